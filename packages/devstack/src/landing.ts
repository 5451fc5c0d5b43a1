/**
 * The gateway's root page: where Auth sends a browser when a link carries no allowed
 * `redirect_to` (the site URL defaults to the gateway), and a map of the local services.
 */
export function landingPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sightline devstack</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .25rem}</style>
</head><body>
<h1>Sightline devstack</h1>
<p id="session"></p>
<ul>
<li><a href="/inbox">Inbox</a>: e-mails sent by Auth and by the local e-mail API</li>
<li><code>/rest/v1</code>: PostgREST · <code>/auth/v1</code>: Auth · <code>/realtime/v1</code>: Realtime</li>
<li><a href="/auth/v1/.well-known/jwks.json">JWKS</a>: the public key user tokens are signed with</li>
</ul>
<script>
// A sign-in link without an allowed redirect_to lands here with the session in the fragment.
const params = new URLSearchParams(location.hash.slice(1));
const text = params.get('access_token')
  ? 'Signed in: the session is in this page\\'s URL fragment. Pass an allowed redirect_to (emailRedirectTo) to land in your app instead.'
  : params.get('error_description') ?? '';
document.getElementById('session').textContent = text;
</script>
</body></html>
`;
}
