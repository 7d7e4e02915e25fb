"""A real OpenID provider for the tests (tests/support/oidc_provider.mjs under node), with
keys this process makes, so tests can also sign tokens the way only the provider could."""

import json
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from bench.cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "mitarbeiterportal"
CLIENT_SECRET = "tests-only-client-secret-0123456789abcdef"
CALLBACK_PATH = "/anmelden/stadtkonto/rueckkehr/"
BACKCHANNEL_PATH = "/anmelden/stadtkonto/backchannel-logout/"
LOGIN_PATH = "/anmelden/"


def rsa_key(kid: str):
    """A new RSA key: (private key object, private JWK as a dict)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private))
    jwk.pop("key_ops", None)  # PyJWT writes ["sign"]; the provider also verifies with it
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return private, jwk


class OpenIDProvider:
    def __init__(self, *, portal_urls: list[str], accounts: dict[str, dict], backchannel_url: str):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.accounts = accounts
        self.portal_urls = portal_urls
        self.backchannel_url = backchannel_url
        self.keys: list[tuple[object, dict]] = [rsa_key("schluessel-1")]
        self.directory = Path(tempfile.mkdtemp(prefix="portal-oidc-"))
        self.log = (self.directory / "provider.log").open("w+")
        self.process: subprocess.Popen | None = None

    def config(self) -> dict:
        return {
            "port": self.port,
            "issuer": self.issuer,
            "jwks": {"keys": [jwk for _private, jwk in self.keys]},
            "accounts": self.accounts,
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [f"{url}{CALLBACK_PATH}" for url in self.portal_urls],
                    "post_logout_redirect_uris": [f"{url}{LOGIN_PATH}" for url in self.portal_urls],
                    "backchannel_logout_uri": self.backchannel_url,
                    "backchannel_logout_session_required": False,
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_post",
                }
            ],
        }

    def start(self, timeout: float = 30.0) -> None:
        config_file = self.directory / "config.json"
        config_file.write_text(json.dumps(self.config()))
        self.process = subprocess.Popen(
            ["node", str(SCRIPT), str(config_file)],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        url = f"{self.issuer}/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the OpenID provider exited:\n{self.output()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the OpenID provider did not start:\n{self.output()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # by its PID, nothing else
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def rotate_keys(self) -> None:
        """A key rotation: a new signing key comes first, the old one stays published."""
        self.keys.insert(0, rsa_key(f"schluessel-{len(self.keys) + 1}"))
        self.stop()
        self.start()

    @property
    def signing_key(self):
        private, jwk = self.keys[0]
        return private, jwk["kid"]

    def output(self) -> str:
        self.log.flush()
        return (self.directory / "provider.log").read_text(errors="replace")[-5000:]


def provider_login(session: requests.Session, authorize_url: str, login: str) -> str:
    """Sign in at the provider's own login page, as a browser would, up to the redirect
    back to the portal; returns that redirect's URL (with `code` and `state`)."""
    page = session.get(authorize_url, timeout=10)
    page.raise_for_status()
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert action, page.text[:2000]
    response = session.post(
        urljoin(page.url, action.group(1)),
        data={"prompt": "login", "login": login, "password": "beliebig"},
        allow_redirects=False,
        timeout=10,
    )
    return follow_to_portal(session, response)


def follow_to_portal(session: requests.Session, response) -> str:
    """Follow the provider's redirects until one leaves the provider."""
    provider = urlsplit(response.url).netloc  # host and port: the portal is on 127.0.0.1 too
    for _ in range(10):
        assert response.status_code in (302, 303), (response.status_code, response.text[:2000])
        location = urljoin(response.url, response.headers["Location"])
        if urlsplit(location).netloc != provider:
            return location
        response = session.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("too many redirects at the provider")


def provider_logout(session: requests.Session, end_session_url: str) -> requests.Response:
    """At the provider's end-session page, confirm "yes, sign me out"."""
    page = session.get(end_session_url, timeout=10)
    assert page.status_code == 200, page.text[:2000]
    form = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
    assert form and xsrf, page.text[:2000]
    return session.post(
        urljoin(page.url, form.group(1)),
        data={"xsrf": xsrf.group(1), "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
