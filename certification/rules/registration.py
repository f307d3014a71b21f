"""Rules of registration (入库) that hold whatever the campaign: how long a fraud revocation bans an
enterprise (RULES.md §3). Pure: no Django imports."""

FRAUD_BAN_YEARS = 3  # revoked for fraud in year Y: no filing for Y to Y + 3
