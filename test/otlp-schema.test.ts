/**
 * The receiver's static protobufjs descriptor is exactly what protobufjs makes of the vendored
 * official .proto files (so regenerating it after updating them is the only way to change it), and
 * each vendored file keeps its license header.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SCHEMA_FILE, describeVendoredProtos } from '../electron/ingest/otlp/proto/generate.ts';

const PROTO_DIR = join('electron', 'ingest', 'otlp', 'proto');

describe('the vendored OTLP schema', () => {
  it('is the descriptor the generator makes of the vendored .proto files', () => {
    assert.deepEqual(
      JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')),
      JSON.parse(JSON.stringify(describeVendoredProtos())),
    );
  });

  it('keeps the license header of every vendored file', () => {
    const files = [
      'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
      'opentelemetry/proto/metrics/v1/metrics.proto',
      'opentelemetry/proto/common/v1/common.proto',
      'opentelemetry/proto/resource/v1/resource.proto',
      'google/rpc/status.proto',
    ];
    for (const file of files) {
      assert.match(
        readFileSync(join(PROTO_DIR, file), 'utf8'),
        /Licensed under the Apache License, Version 2\.0/,
        file,
      );
    }
  });
});
