// Preloaded into hflogin (NODE_OPTIONS=--import) by the real-Logto scenario that must hold Logto's
// refresh answer in flight. hflogin never sends 127.0.0.1 through a proxy (loopback is always in
// NO_PROXY), and Logto's issuer is fixed at http://127.0.0.1:3001, so the holding proxy cannot be
// put in the path as a proxy: this sends node:http requests for HFLOGIN_TEST_REROUTE's first
// host:port to its second one instead (the holding proxy, which relays them to Logto unchanged,
// Host header included). Nothing else in hflogin changes.
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';

const [from, to] = (process.env.HFLOGIN_TEST_REROUTE ?? '').split('>');
if (from && to) {
  const [hostname, port] = to.split(':');
  const original = http.request;
  http.request = function request(url, options, callback) {
    if (url instanceof URL && url.host === from && typeof options === 'object') {
      return original.call(
        this,
        url,
        { ...options, hostname, port: Number(port), headers: { ...options.headers, host: from } },
        callback,
      );
    }
    return original.apply(this, arguments);
  };
  // hflogin imports `request` from node:http as an ES module binding: let it see the new one.
  syncBuiltinESMExports();
}
