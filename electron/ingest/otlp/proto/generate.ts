/**
 * Writes electron/ingest/otlp/proto/otlp-schema.json, the protobufjs descriptor of the vendored
 * .proto files the receiver decodes and encodes with (schema.ts loads it). A static descriptor,
 * not the .proto files read at run time, because the storage host is bundled by esbuild into one
 * file and packaged without these sources; the test otlp-schema.test.ts checks that the descriptor
 * is what this script makes of the vendored files today.
 *
 * Vendored, unmodified, with their license headers:
 * - opentelemetry/: github.com/open-telemetry/opentelemetry-proto at
 *   ac2c4b5d1f3a6079de62f9afec860158ecc8af09 (after v1.9.0): the metrics service, metrics, common
 *   and resource messages (Apache License 2.0, opentelemetry/LICENSE).
 * - google/rpc/status.proto: github.com/googleapis/googleapis at
 *   f8291d2b89f0017ab078a4c7378069bae5686f6f, the body of OTLP's error responses (Apache License
 *   2.0, google/LICENSE). google/protobuf/any.proto is one of protobufjs' bundled common types.
 *
 * Run: node --import tsx electron/ingest/otlp/proto/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { isMainModule } from '../../../scripts/project.ts';

const PROTO_DIR = dirname(fileURLToPath(import.meta.url));
export const SCHEMA_FILE = join(PROTO_DIR, 'otlp-schema.json');
const ENTRY_FILES = ['opentelemetry/proto/collector/metrics/v1/metrics_service.proto', 'google/rpc/status.proto'];

/** The descriptor of the vendored files, as protobufjs serialises it. */
export function describeVendoredProtos(): protobuf.INamespace {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(PROTO_DIR, target));
  root.loadSync(ENTRY_FILES, { keepCase: false });
  return root.toJSON();
}

if (isMainModule(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, JSON.stringify(describeVendoredProtos(), null, 2) + '\n');
  console.log(`Wrote ${SCHEMA_FILE}`);
}
