/**
 * The layering holds by tooling, not by memory: the lint configuration's import boundaries refuse
 * what crosses a layer (checked here through ESLint's own API on code placed in each folder), and
 * the renderer's TypeScript project has no Node types, so a Node import there does not compile.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { projectRoot } from '../electron/scripts/project.ts';

const root = projectRoot();

describe('import boundaries (eslint.config.js)', () => {
  const eslint = new ESLint({
    cwd: root,
    // Only the boundary rule, and no type information: the snippets are not files of a project.
    overrideConfig: { languageOptions: { parserOptions: { project: null } } },
    ruleFilter: ({ ruleId }) => ruleId === '@typescript-eslint/no-restricted-imports',
  });

  const refused = async (filePath: string, code: string): Promise<boolean> => {
    const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: join(root, filePath) });
    return (result?.messages ?? []).some((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');
  };

  test('the renderer imports shared/ only: not Node, the shell or the engine', async () => {
    assert.equal(await refused('renderer/src/lib/x.ts', "import { readFileSync } from 'node:fs';"), true);
    assert.equal(
      await refused('renderer/src/lib/x.ts', "import { dataPaths } from '../../../electron/host/data-dir.ts';"),
      true,
    );
    assert.equal(
      await refused('renderer/src/lib/x.ts', "import type { Labels } from '../../../storage/src/index.ts';"),
      true,
    );
    assert.equal(
      await refused('renderer/src/lib/x.ts', "import { DAY_MS } from '../../../shared/constants.ts';"),
      false,
    );
  });

  test("shared/ takes only types from the engine, and only from its types' entry point", async () => {
    assert.equal(await refused('shared/x.ts', "import type { Labels } from '../storage/src/types.ts';"), false);
    assert.equal(await refused('shared/x.ts', "import { INTERVALS } from '../storage/src/types.ts';"), true);
    assert.equal(
      await refused('shared/x.ts', "import type { TimeSeriesStorage } from '../storage/src/index.ts';"),
      true,
    );
    assert.equal(await refused('storage/src/types.ts', "import type { Db } from './db/connection.ts';"), true);
    assert.equal(await refused('shared/x.ts', "import { join } from 'node:path';"), true);
  });

  test('the engine imports neither the shell nor shared/ beyond its constants', async () => {
    assert.equal(
      await refused('storage/src/x.ts', "import { ShellError } from '../../electron/host/shell-errors.ts';"),
      true,
    );
    assert.equal(await refused('storage/src/x.ts', "import type { PanelApi } from '../../shared/panel-api.ts';"), true);
    assert.equal(await refused('storage/src/x.ts', "import { DAY_MS } from '../../shared/constants.ts';"), false);
  });

  test('everything else reaches the engine through storage/src/index.ts', async () => {
    for (const file of ['electron/host/x.ts', 'test/x.test.ts', 'bench/x.ts', 'e2e/x.spec.ts']) {
      const up = '../'.repeat(file.split('/').length - 1);
      assert.equal(await refused(file, `import { Head } from '${up}storage/src/head/head.ts';`), true, file);
      assert.equal(await refused(file, `import { TimeSeriesStorage } from '${up}storage/src/index.ts';`), false, file);
    }
  });
});

describe("the renderer's TypeScript project", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'renderer-project-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('refuses Node imports and globals', () => {
    writeFileSync(
      join(dir, 'node-in-renderer.ts'),
      "import { readFileSync } from 'node:fs';\nreadFileSync(process.cwd());\n",
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'renderer', 'tsconfig.json'),
        include: ['node-in-renderer.ts', join(root, 'renderer', 'src'), join(root, 'shared')],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], {
      encoding: 'utf8',
    });
    assert.notEqual(tsc.status, 0);
    const errors = tsc.stdout.split('\n').filter((line) => line.includes('error TS'));
    assert.ok(errors.length > 0 && errors.every((line) => line.includes('node-in-renderer.ts(')), tsc.stdout);
    assert.match(tsc.stdout, /Cannot find module 'node:fs'/);
    assert.match(tsc.stdout, /Cannot find name 'process'/);
  });
});
