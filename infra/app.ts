/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). The app itself is
 * built in build-app.ts so that tests can build it without the CLI.
 */
import { buildApp } from './build-app.js';

buildApp().app.synth();
