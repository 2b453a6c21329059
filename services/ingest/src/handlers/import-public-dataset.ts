import { lambdaFunction } from '@digits/lambda-kit';
import { readImportConfig } from '../config';
import type { ImportSummary } from '../import-public-dataset';
import { onImportPublicDataset } from '../invocations';
import { createServices } from '../services';

const services = createServices(readImportConfig());

/** Invoked by hand (`sls invoke -f importPublicDataset`): the caller sees every error. */
export const handler = lambdaFunction<unknown, ImportSummary>(services.logger, 'sync').handler((event) =>
  onImportPublicDataset(event, services),
);
