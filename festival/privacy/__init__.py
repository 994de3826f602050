"""Data safety for tenants and visitors: export, tenant deletion, personal-data erasure."""
