#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { GenAIPlatformStack, PlatformProfile, applyCompliance } from '../lib';

const app = new App();
const requested = app.node.tryGetContext('profile') as string | undefined;
const profiles: Record<string, { stackId: string; profile: PlatformProfile }> = {
  dev: { stackId: 'GenAIPlatform-Dev', profile: PlatformProfile.DEV },
  prod: { stackId: 'GenAIPlatform-Prod', profile: PlatformProfile.PROD },
};
if (requested !== undefined && !(requested in profiles)) {
  throw new Error(`Context "profile": got ${JSON.stringify(requested)}; allowed: ${Object.keys(profiles).join(', ')} (or leave it out for both)`);
}

for (const [name, { stackId, profile }] of Object.entries(profiles)) {
  if (requested !== undefined && requested !== name) continue;
  // Environment-agnostic: account and region come from the deploy environment.
  new GenAIPlatformStack(app, stackId, { platform: { profile } });
}

applyCompliance(app);
