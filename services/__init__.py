"""The domain services (orgs, members, activities) and their shared, domain-free kit."""
