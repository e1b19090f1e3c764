import { removeTempDirs } from './temp-dirs';

// Runs in every test file after the framework is installed (jest `setupFilesAfterEnv`).
afterAll(removeTempDirs);
