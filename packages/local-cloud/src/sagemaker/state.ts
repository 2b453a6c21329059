import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type {
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeModelOutput,
  DescribeTrainingJobResponse,
  Tag,
} from '@aws-sdk/client-sagemaker';
import type { Wire } from './wire';
import { writeJsonWhole } from '../whole-file';

/**
 * What the local SageMaker knows, kept in memory and in one JSON file under the work dir so a
 * restarted `pnpm start` still knows its completed jobs, models, configs and endpoints. Records are
 * the Describe* answers themselves (wire shapes) plus tags; keys are lowercased names, as SageMaker
 * names are unique regardless of case.
 */

type Tagged = { Tags: Array<Wire<Tag>> };
export type TrainingJobRecord = Wire<DescribeTrainingJobResponse> & Tagged;
export type ModelRecord = Wire<DescribeModelOutput> & Tagged;
export type EndpointConfigRecord = Wire<DescribeEndpointConfigOutput> & Tagged;
export type EndpointRecord = Wire<DescribeEndpointOutput> &
  Tagged & {
    /** The config an in-flight CreateEndpoint/UpdateEndpoint is deploying. */
    DesiredEndpointConfigName?: string;
  };

export interface State {
  version: 1;
  trainingJobs: Record<string, TrainingJobRecord>;
  models: Record<string, ModelRecord>;
  endpointConfigs: Record<string, EndpointConfigRecord>;
  endpoints: Record<string, EndpointRecord>;
}

export const emptyState = (): State => ({
  version: 1,
  trainingJobs: {},
  models: {},
  endpointConfigs: {},
  endpoints: {},
});

export const key = (name: string) => name.toLowerCase();

export class StateFile {
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(readonly path: string) {}

  async load(): Promise<State> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw e;
    }
    const parsed = JSON.parse(text) as Partial<State>;
    if (parsed.version !== 1) throw new Error(`${this.path}: unsupported state version ${String(parsed.version)}`);
    return { ...emptyState(), ...parsed } as State;
  }

  /** Writes the latest state (written whole: never half-written, see whole-file.ts); coalesces bursts. */
  save(state: State): Promise<void> {
    if (this.dirty) return this.writing;
    this.dirty = true;
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        this.dirty = false;
        await mkdir(dirname(this.path), { recursive: true });
        await writeJsonWhole(this.path, state, 1);
      });
    return this.writing;
  }
}
