// Builds the typed chat page's script (example/page.ts, with the generated clients, this transport,
// grpc-ws-bridge, Connect-ES and protobuf-es) into the gateway's static files: /connect/page.js.
// The output is committed; .ci/run rebuilds it and fails if it differs from the commit.
import { build } from "esbuild";

await build({
  entryPoints: ["example/page.ts"],
  outfile: "../../ws-gateway/src/main/resources/META-INF/resources/connect/page.js",
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  banner: {
    js: [
      "// Built by `npm run bundle` in clients/connect from example/page.ts; do not edit.",
      "// Includes @connectrpc/connect and @bufbuild/protobuf, Copyright 2021-2026 Buf Technologies, Inc.,",
      "// under the Apache License 2.0 (https://www.apache.org/licenses/LICENSE-2.0).",
    ].join("\n"),
  },
  logLevel: "warning",
});
