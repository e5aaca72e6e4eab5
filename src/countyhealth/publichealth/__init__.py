"""Public-health programmes (国家基本公共卫生服务): hypertension, diabetes, elderly, child and maternal care.

`rules` holds the national rules as pure functions; see shared/design/public-health-rules.md.
"""
