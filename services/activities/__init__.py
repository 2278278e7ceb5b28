"""Activity logging: activities, attendance, contacts, compliance, evaluations."""
