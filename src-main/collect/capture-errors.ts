// Turns what went wrong talking to a target into a message a user can act on: which setting
// to change, what to turn on in the Go program, or what is in the way.

import { GpwError } from '../api/errors.js';
import type { CaptureKind } from '../api/collect-types.js';

const TLS_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a self-signed CA gpw does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is signed by a CA gpw does not know',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is signed by a CA gpw does not know',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet (check the clocks)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
};

/** A socket-level failure (refused, unknown host, TLS, reset) as a GpwError naming the URL. */
export function explainNetworkError(err: Error, url: URL): GpwError {
  if (err instanceof GpwError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const where = `${url.protocol}//${url.host}`;
  const say = (text: string): GpwError => new GpwError('unavailable', `${url.href}: ${text}`);
  switch (code) {
    case 'ECONNREFUSED':
      return say(`connection refused by ${url.host}: is the service running, and listening on port ${url.port || (url.protocol === 'https:' ? 443 : 80)}?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return say(`the host name ${url.hostname} cannot be resolved`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return say(`${url.hostname} cannot be reached from this machine`);
    case 'ECONNRESET':
    case 'EPIPE':
      return say(`${where} closed the connection${url.protocol === 'http:' ? ' (if it speaks HTTPS, use an https:// URL)' : ''}`);
    case 'ETIMEDOUT':
      return say(`connecting to ${url.host} timed out`);
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      if (/wrong version number|packet length too long|http request/i.test(err.message)) {
        return say(`${url.host} does not speak TLS: use an http:// URL for this target`);
      }
  }
  if (code in TLS_CODES || /certificate/i.test(err.message)) {
    const why = TLS_CODES[code] ?? err.message;
    return say(`TLS: the server is not trusted: ${why}. Add its CA certificate (PEM) to the target, or, only if you accept the risk, turn on "skip certificate verification" for it`);
  }
  if (/ssl|tls/i.test(code) || /ssl|tls/i.test(err.message)) return say(`TLS handshake failed: ${err.message}`);
  return say(`${err.message}${code ? ` (${code})` : ''}`);
}

/** A non-200 answer as a GpwError that says what to change. */
export function explainHttpStatus(url: URL, kind: CaptureKind, status: number, headers: Record<string, string | string[] | undefined>, body: Buffer): GpwError {
  const text = body.subarray(0, 512).toString('utf8').trim();
  const say = (msg: string, code: 'unavailable' | 'bad_input' = 'unavailable'): GpwError => new GpwError(code, `${url.href}: ${msg}`);
  if (status >= 300 && status < 400) {
    const location = String(headers.location ?? '(no Location)');
    return say(`the server redirects (${status}) to ${location}; gpw does not follow redirects (they could carry your headers elsewhere): set the target's URL to where it points`);
  }
  if (status === 401 || status === 403) {
    return say(`${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}: the target needs credentials; add the request header it expects (e.g. Authorization) to the target`);
  }
  if (status === 404) {
    if (kind === 'expvar') return say('404: this service does not expose /debug/vars (import _ "expvar" in the Go program)');
    if (kind === 'metrics') return say('404: this service does not expose a Prometheus /metrics endpoint');
    // net/http/pprof answers "Unknown profile" for a name it does not have.
    if (/unknown profile/i.test(body.subarray(0, 200).toString('utf8'))) {
      if (kind === 'goroutineleak') return say('404: no goroutineleak profile: it needs Go 1.26 built with GOEXPERIMENT=goroutineleakprofile');
      if (kind === 'profile') return say(`404: the program has no profile named ${url.pathname.split('/').pop()} (pprof.NewProfile registers one)`);
    }
    return say('404: no net/http/pprof here; import _ "net/http/pprof" in the Go program (or mount its handlers) and check the base URL');
  }
  if (status === 405) {
    return say(`405 Method Not Allowed: something in front of net/http/pprof (a router, middleware or proxy) refuses GET on this path${headers.allow ? ` (it allows ${String(headers.allow)})` : ''}; let GET through to /debug/pprof/`);
  }
  if (status === 400 && /exceeds server's WriteTimeout/.test(text)) {
    return say("400: profile duration exceeds server's WriteTimeout: raise the WriteTimeout of the Go program's http.Server above the capture's seconds (or capture for fewer seconds)");
  }
  if (status === 400 && /not supported for this profile type|invalid value for "seconds"/.test(text)) {
    return say(`400: the server does not take ?seconds for ${kind}: ${text}`);
  }
  if (status === 500 && /already (in use|enabled)/.test(text)) {
    const what = kind === 'trace' ? 'an execution trace' : 'a CPU profile';
    return say(`500: the Go program is already recording ${what} (another capture, or its own code); wait until it finishes and retry`);
  }
  return say(`${status}${text ? `: ${text.split('\n')[0].slice(0, 200)}` : ''}`);
}
