#!/usr/bin/env node
// Fails when a project imports something the ownership table forbids: an app, a package it may not
// use, another package's internals (anything not in its exports map), a value from a type-only
// dependency, or files outside its own folder (tools/, another project's src/).
// Usage: node tools/boundaries/check-boundaries.mjs [project ...]   (no argument: every project)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// BOUNDARIES_ROOT lets the checker's own tests run it on a throwaway workspace.
const root =
  process.env.BOUNDARIES_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rules = JSON.parse(
  fs.readFileSync(process.env.BOUNDARIES_RULES ?? path.join(root, 'tools/boundaries/rules.json'), 'utf8'),
).projects;

function readProjects() {
  const projects = new Map();
  for (const kind of ['packages', 'apps']) {
    for (const dir of fs.readdirSync(path.join(root, kind))) {
      const pkgFile = path.join(root, kind, dir, 'package.json');
      if (!fs.existsSync(pkgFile)) continue;
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
      projects.set(dir, {
        name: dir,
        kind,
        dir: path.join(root, kind, dir),
        packageName: pkg.name,
        exports: pkg.exports ?? {},
      });
    }
  }
  return projects;
}

function* sourceFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'fixtures'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

// import/export ... from 'x', import('x'), require('x'); captures whether it is type-only.
const IMPORT_RE =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function check(project, projects) {
  const problems = [];
  const rule = rules[project.name];
  if (!rule) return [`${project.name}: no entry in tools/boundaries/rules.json`];
  const byPackage = new Map([...projects.values()].map((p) => [p.packageName, p]));
  for (const file of sourceFiles(project.dir)) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    for (const m of text.matchAll(IMPORT_RE)) {
      const specifier = m[3] ?? m[4] ?? m[5];
      const typeOnly = Boolean(m[2]);
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        const allowedShared = path.join(root, 'tools/build');
        if (!target.startsWith(project.dir + path.sep) && !target.startsWith(allowedShared)) {
          problems.push(`${rel}: relative import "${specifier}" leaves ${project.kind}/${project.name}`);
        }
        continue;
      }
      const pkgName = specifier.startsWith('@')
        ? specifier.split('/').slice(0, 2).join('/')
        : specifier.split('/')[0];
      const target = byPackage.get(pkgName);
      if (!target || target === project) continue;
      const subpath = `.${specifier.slice(pkgName.length)}` || '.';
      if (target.kind === 'apps') {
        problems.push(`${rel}: imports the app ${pkgName}; nothing may import an app`);
        continue;
      }
      if (!(subpath in target.exports)) {
        problems.push(`${rel}: imports "${specifier}", which is not in ${pkgName}'s exports map (internals)`);
        continue;
      }
      if (rule.may === 'any-package') continue;
      if (rule.may.includes(target.name)) continue;
      if (rule.typeOnly.includes(target.name)) {
        if (!typeOnly)
          problems.push(`${rel}: ${project.name} may import ${pkgName} only with \`import type\``);
        continue;
      }
      problems.push(`${rel}: ${project.name} must not import ${pkgName} (see tools/boundaries/rules.json)`);
    }
  }
  return problems;
}

const projects = readProjects();
const wanted = process.argv.slice(2);
const selected =
  wanted.length > 0
    ? wanted.map((n) => projects.get(n) ?? { name: n, missing: true })
    : [...projects.values()];
let failures = 0;
for (const project of selected) {
  if (project.missing) {
    console.error(`unknown project "${project.name}"`);
    failures++;
    continue;
  }
  for (const problem of check(project, projects)) {
    console.error(`boundary: ${problem}`);
    failures++;
  }
}
if (failures > 0) {
  console.error(`${failures} boundary problem(s).`);
  process.exit(1);
}
console.log(`boundaries ok (${selected.length} project${selected.length === 1 ? '' : 's'})`);
