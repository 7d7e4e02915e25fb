"""Sign-in with the city account: OpenID Connect or an LDAP/AD bind (docs/authentication.md).

`modes` is imported by the settings module and therefore imports nothing from Django.
"""
