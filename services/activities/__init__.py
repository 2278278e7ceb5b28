"""Activity logging: activities, attendance, attachments, contacts, compliance, evaluations, reviews.

Choices worth knowing:
- The org tree and the members are local replicas kept from the orgs and members feeds
  (`events.py`), so expected attendance lists, compliance and the work lists are SQL joins inside
  this schema, never a call per member or organization.
- "Committee meetings where a committee exists" is decided by the organization's kind: the
  activity type dictionary says which kinds hold each type (committee meetings: committee and
  general branch by default); other cases are recorded as compliance exemptions. Group meetings
  are expected of each active party group (child organization of kind `group`).
- An activity's day, month and quarter are local (the deployment's time zone, `Policy.timezone`),
  kept as `starts_on`; "today" is taken in the same zone (`ctx.today`).
"""
