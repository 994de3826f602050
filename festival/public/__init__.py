"""The platform's own public pages: the landing page listing the festivals on Lantern."""
