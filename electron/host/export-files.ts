/**
 * The exports folder as the panel sees it: the Parquet files there (never a temporary file of an
 * export under way, a symlink or a folder), each with the options it was written with, kept in a
 * small JSON sidecar beside it (`<file>.options.json`, read back only when it is a small regular
 * file holding what an export writes: anything else lists the file without options); and the
 * checked path of one of them, to delete or reveal. A path is accepted only when it names a regular
 * `.parquet` file directly in the exports folder: `..`, a symlinked file or folder leading
 * elsewhere, or any other file is refused with a typed error.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExportFile, ExportFileOptions } from '../../shared/panel-api.ts';
import { exportFileOptions } from './panel-schemas.ts';
import { ShellError } from './shell-errors.ts';

const PARQUET = '.parquet';
const SIDECAR = '.options.json';

function sidecarPath(exportPath: string): string {
  return `${exportPath}${SIDECAR}`;
}

/** An export's own file: a `.parquet` name, not hidden (an export under way is `.<name>.<random>.tmp`). */
function isExportName(name: string): boolean {
  return name.endsWith(PARQUET) && !name.startsWith('.');
}

/** Keeps the options beside the file. */
export function writeExportOptions(exportPath: string, options: ExportFileOptions): void {
  writeFileSync(sidecarPath(exportPath), `${JSON.stringify(options)}\n`);
}

/** A sidecar is a few hundred bytes; anything much larger is not one. */
const MAX_SIDECAR_BYTES = 64 * 1024;

function readExportOptions(exportPath: string): ExportFileOptions | null {
  const path = sidecarPath(exportPath);
  try {
    // lstat first: a FIFO would block the read for ever, a symlink could lead anywhere.
    const stat = lstatSync(path);
    if (!stat.isFile() || stat.size > MAX_SIDECAR_BYTES) return null;
    const parsed = exportFileOptions.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The exports folder's real path, or null when no export has created it yet. */
function realExportsDir(exportsDir: string): string | null {
  try {
    return realpathSync(exportsDir);
  } catch {
    return null;
  }
}

/** Every export in the folder, newest first. */
export function listExportFiles(exportsDir: string): ExportFile[] {
  const root = realExportsDir(exportsDir);
  if (root === null) return [];
  const files: ExportFile[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isFile() || !isExportName(entry.name)) continue;
    const path = join(root, entry.name);
    try {
      const stat = statSync(path);
      files.push({
        path,
        name: entry.name,
        bytes: stat.size,
        modified: stat.mtimeMs,
        options: readExportOptions(path),
      });
    } catch {
      // Deleted between the listing and the stat: not an export any more.
    }
  }
  return files.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
}

/**
 * The path of the export `requested` names (a file name, or its absolute path); a typed error for
 * anything that is not one. `action` ends the refusal's message ("... can be deleted").
 */
export function exportEntryPath(exportsDir: string, requested: string, action: 'deleted' | 'revealed'): string {
  const root = realExportsDir(exportsDir);
  if (root === null) throw new ShellError('NOT_FOUND', `no export named ${requested}`);
  const notAnExport = new ShellError('INVALID_ARGUMENT', `only Parquet files in the exports folder can be ${action}`);
  const path = resolve(root, requested);
  const name = basename(path);
  if (!isExportName(name)) throw notAnExport;
  let folder: string;
  try {
    folder = realpathSync(dirname(path));
  } catch {
    throw notAnExport;
  }
  if (folder !== root) throw notAnExport;
  const entry = join(root, name);
  let isFile: boolean;
  try {
    // lstat: a symlink is refused whatever it points to.
    isFile = lstatSync(entry).isFile();
  } catch {
    throw new ShellError('NOT_FOUND', `no export named ${name}`);
  }
  if (!isFile) throw notAnExport;
  return entry;
}

/** Deletes an export and its kept options (never a folder that happens to bear their name). */
export function deleteExportFile(exportsDir: string, requested: string): void {
  const path = exportEntryPath(exportsDir, requested, 'deleted');
  rmSync(path);
  const sidecar = sidecarPath(path);
  if (lstatSync(sidecar, { throwIfNoEntry: false })?.isDirectory() !== true) rmSync(sidecar, { force: true });
}
