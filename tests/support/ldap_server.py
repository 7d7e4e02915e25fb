"""A real OpenLDAP slapd for the tests, started on a loopback port with its own data
directory (python-ldap's slapdtest, as django-auth-ldap's own CI does) and stopped by its
process. It speaks StartTLS and LDAPS (a second port) with python-ldap's test CA, and holds a small city tree with
both kinds of account: OpenLDAP (uid, employeeNumber, ppolicy's pwdAccountLockedTime) and
Active Directory style (sAMAccountName, employeeID, userAccountControl: ad_schema.ldif)."""

import os
import tempfile
from pathlib import Path

import slapdtest

SUFFIX = "dc=stadt,dc=example"
PEOPLE = f"ou=Mitarbeitende,{SUFFIX}"
SERVICE_DN = f"cn=portal,ou=Dienste,{SUFFIX}"
SERVICE_PASSWORD = "dienst-passwort"
PASSWORD = "Stadtkonto-Passwort-1"
CA_FILE = str(Path(slapdtest.__file__).parent / "certs" / "ca.pem")
# The service account sees at most this many entries per search, as AD hands out at most
# 1,000 (MaxPageSize): only a paged search gets them all.
SIZE_LIMIT = 3

_CONFIG = r"""dn: cn=config
objectClass: olcGlobal
cn: config
olcServerID: %(serverid)s
olcLogLevel: %(loglevel)s
olcTLSCACertificateFile: %(cafile)s
olcTLSCertificateFile: %(servercert)s
olcTLSCertificateKeyFile: %(serverkey)s
olcAuthzRegexp: {0}"gidnumber=%(root_gid)s\+uidnumber=%(root_uid)s,cn=peercred,cn=external,cn=auth" "%(rootdn)s"

dn: cn=module,cn=config
objectClass: olcModuleList
cn: module
olcModuleLoad: back_%(database)s
olcModuleLoad: ppolicy

dn: olcDatabase=%(database)s,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: %(database)s
olcSuffix: %(suffix)s
olcRootDN: %(rootdn)s
olcRootPW: %(rootpw)s
olcDbDirectory: %(directory)s
olcLimits: users size.soft=SIZE size.hard=SIZE size.prtotal=unlimited
""".replace("SIZE", str(SIZE_LIMIT))


class CitySlapd(slapdtest.SlapdObject):
    suffix = SUFFIX
    root_cn = "admin"
    root_pw = "admin-passwort"
    slapd_loglevel = "0"
    slapd_conf_template = _CONFIG
    openldap_schema_files = (
        "core.ldif",
        "cosine.ldif",
        "inetorgperson.ldif",
        str(Path(__file__).with_name("ad_schema.ldif")),
    )

    def __init__(self):
        self.TMPDIR = tempfile.mkdtemp(prefix="portal-slapd-")
        super().__init__()
        # LDAPS on a second loopback port, beside ldap:// with StartTLS
        self.ldaps_uri = f"ldaps://{self.local_host}:{self._avail_tcp_port()}/"

    def _start_slapd(self):
        # slapdtest joins ldap_uri and ldapi_uri into slapd's -h list: add the LDAPS one
        ldapi_uri = self.ldapi_uri
        self.ldapi_uri = " ".join(uri for uri in (ldapi_uri, self.ldaps_uri) if uri)
        try:
            super()._start_slapd()
        finally:
            self.ldapi_uri = ldapi_uri

    def stop(self):
        super().stop()
        if os.path.isdir(self.TMPDIR):
            os.rmdir(self.TMPDIR)

    def seed(self, people: list[dict]) -> None:
        entries = [
            f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: stadt\no: Stadt",
            f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: Mitarbeitende",
            f"dn: ou=Dienste,{SUFFIX}\nobjectClass: organizationalUnit\nou: Dienste",
            f"dn: {SERVICE_DN}\nobjectClass: person\ncn: portal\nsn: Portal\n"
            f"userPassword: {SERVICE_PASSWORD}",
        ]
        entries += [person_entry(**person) for person in people]
        self.ldapadd("\n\n".join(entries) + "\n")

    def add(self, **person) -> None:
        self.ldapadd(person_entry(**person) + "\n")

    def modify(self, ldif: str) -> None:
        self.ldapmodify(ldif)


def person_entry(
    *, uid: str, number: str | None, locked: bool = False, ad_disabled: bool = False
) -> str:
    """An account with both the OpenLDAP and the AD attributes the portal reads."""
    lines = [
        f"dn: uid={uid},{PEOPLE}",
        "objectClass: inetOrgPerson",
        "objectClass: extensibleObject",
        f"uid: {uid}",
        f"cn: {uid}",
        f"sn: {uid}",
        f"sAMAccountName: {uid}",
        f"userPassword: {PASSWORD}",
        f"userAccountControl: {512 | 2 if ad_disabled else 512}",
    ]
    if number:
        lines += [f"employeeNumber: {number}", f"employeeID: {number}"]
    if locked:
        lines.append("pwdAccountLockedTime: 000001010000Z")
    return "\n".join(lines)
