"""Payments: the test gateway, Stripe Checkout on the tenant's connected account, webhooks."""
