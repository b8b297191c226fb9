// A free TCP port on loopback for a server a test starts (coturn, Redis, a second app process).
// (tests/support/pg-cluster.mjs keeps its own copy: it runs under plain node, which cannot import TypeScript.)
import net from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
