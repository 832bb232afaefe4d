// npm run dev: the API with reload (tsx watch) on :3000 and the Vite dev server on :5173,
// which proxies /api to it. Ctrl-C stops both.
import { spawn } from 'node:child_process';

const children = [
  spawn('npx', ['tsx', 'watch', 'src/main.ts', 'serve'], { stdio: 'inherit', env: { ...process.env, WEB_DIR: process.env.WEB_DIR ?? 'dist/web' } }),
  spawn('npx', ['vite'], { stdio: 'inherit' }),
];
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
children.forEach((c) => c.on('exit', (code) => { if (code) { stop(); process.exitCode = code; } }));
