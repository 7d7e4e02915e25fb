// A real OpenID provider for the tests: panva's oidc-provider (OpenID Certified), the one
// openid-client's own CI runs against. It implements discovery, JWKS (the first key signs,
// so a restart with a new first key is a key rotation), PKCE, RP-initiated logout and
// Back-Channel Logout 1.0. Started by tests/support/oidc.py on a loopback port:
//   node tests/support/oidc_provider.mjs CONFIG.json
// CONFIG: {"port", "issuer", "jwks": {"keys": [private JWKs]}, "clients": [...],
//          "accounts": {"<sub>": {claims}}}
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ['tests-only-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'personnel_number', 'employee_number'],
  },
  features: {
    devInteractions: { enabled: true }, // the provider's own login page: any password
    rpInitiatedLogout: { enabled: true },
    backchannelLogout: { enabled: true },
  },
  pkce: { required: () => true },
  // The portal listens on loopback in the tests, and the provider's SSRF guard refuses
  // special-use addresses such as 127.0.0.1 for its back-channel posts: drop the guard's
  // dispatcher here (a real provider keeps it; the portal is not on loopback there).
  // eslint-disable-next-line no-unused-vars
  fetch: (url, { dispatcher, ...options }) => globalThis.fetch(url, options),
  async findAccount(ctx, sub) {
    const claims = config.accounts[sub];
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return { sub, ...claims }; } };
  },
  // A first-party client, like the portal at the city's Keycloak: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

provider.on('backchannel.error', (ctx, error, client) => {
  console.error(`backchannel.error ${client.clientId}: ${error.message} ${error.cause ?? ""}`);
});
provider.on('end_session.error', (ctx, error) => console.error(`end_session.error: ${error.message} ${error.cause?.stack}`));
provider.on('server_error', (ctx, error) => console.error(`server_error: ${error.stack}`));

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`listening ${config.issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
