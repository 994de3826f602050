"""The global dashboard of the base and the tenants' view of it: figures, rates, charts, exports."""
