import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { extract as extractTar } from 'tar';
import { EVENT, LOG, paginate, sortBy, type Context, type LogLine } from './context';
import { validationException } from './errors';
import { downloadObject, objectExists, parseS3Uri } from './s3-objects';
import { ServeProcess } from './serve-process';
import { key, type EndpointConfigRecord, type EndpointRecord, type ModelRecord } from './state';
import { endpointEvent } from './state-change-events';
import {
  ENVIRONMENT_KEY_PATTERN,
  memberPath,
  NAME_PATTERN,
  ROLE_ARN_PATTERN,
  S3_URI_PATTERN,
  Validator,
} from './validate';
import { epochSeconds, sageMakerArn } from './wire';
import { refuseRuntimeVariables } from './environment';

/**
 * Models, endpoint configs and endpoints. An endpoint's variant runs the model container's `serve`
 * in <work>/endpoints/<endpoint>/<config>/ (model.tar.gz extracted into model/); CreateEndpoint goes
 * Creating → InService once /ping answers 200 (else Failed); UpdateEndpoint starts the new config's
 * `serve` beside the old one and routes to it only once it is healthy — if it is not, the old one
 * keeps serving and the endpoint returns to InService with a FailureReason, like SageMaker's rollback.
 */

type Input = Record<string, unknown>;
type Mode = 'create' | 'update' | 'restore';

export interface Deployment {
  configName: string;
  variantName: string;
  serve: ServeProcess;
}

const MAX_CRASH_RESTARTS = 3;

export class Hosting {
  /** What each endpoint routes InvokeEndpoint to. */
  private readonly deployments = new Map<string, Deployment>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly crashRestarts = new Map<string, number>();
  private closing = false;

  constructor(private readonly ctx: Context) {}

  route(endpointName: string): Deployment | undefined {
    const endpoint = this.ctx.state.endpoints[key(endpointName)];
    return endpoint?.EndpointStatus === 'InService' || endpoint?.EndpointStatus === 'Updating'
      ? this.deployments.get(key(endpointName))
      : undefined;
  }

  endpointLogFile(name: string): string {
    return join(this.ctx.workDir, 'logs', 'endpoints', `${name}.log`);
  }

  // ---- models -------------------------------------------------------------------------------

  async CreateModel(input: Input) {
    const v = new Validator();
    const name = v.string('modelName', input.ModelName, { required: true, min: 1, max: 63, pattern: NAME_PATTERN })!;
    v.string('executionRoleArn', input.ExecutionRoleArn, { min: 20, max: 2048, pattern: ROLE_ARN_PATTERN });
    v.tags('tags', input.Tags);
    v.boolean('enableNetworkIsolation', input.EnableNetworkIsolation);
    const container = v.object('primaryContainer', input.PrimaryContainer);
    v.string('primaryContainer.image', container?.Image, { max: 255, pattern: '[\\S]+' });
    const dataUrl = v.string('primaryContainer.modelDataUrl', container?.ModelDataUrl, {
      max: 1024,
      pattern: S3_URI_PATTERN,
    });
    const environment = v.stringMap('primaryContainer.environment', container?.Environment, {
      max: 100,
      key: { max: 1024, pattern: ENVIRONMENT_KEY_PATTERN },
      value: { max: 1024, pattern: '[\\S\\s]*' },
    });
    v.string('primaryContainer.mode', container?.Mode, { enum: ['SingleModel', 'MultiModel'] });
    v.done();
    refuseRuntimeVariables('primaryContainer.environment', environment);
    if (!container) {
      throw validationException(
        input.Containers
          ? 'The local SageMaker hosts models with a PrimaryContainer only (no inference pipelines).'
          : 'Either PrimaryContainer or Containers must be specified.',
      );
    }
    if (container.Mode === 'MultiModel')
      throw validationException('MultiModel containers are not supported by the local SageMaker.');
    const arn = sageMakerArn(this.ctx.region, 'model', name);
    if (this.ctx.state.models[key(name)]) throw validationException(`Cannot create already existing model "${arn}".`);
    if (dataUrl !== undefined) {
      if (!dataUrl.startsWith('s3://'))
        throw validationException(`The local SageMaker reads model data from s3:// URIs only, got "${dataUrl}".`);
      if (!(await objectExists(this.ctx.s3, parseS3Uri(dataUrl))))
        throw validationException(`Could not find model data at ${dataUrl}.`);
    }
    const record: ModelRecord = {
      ModelName: name,
      ModelArn: arn,
      PrimaryContainer: { ...(container as ModelRecord['PrimaryContainer']), Mode: 'SingleModel' },
      ...(input.ExecutionRoleArn ? { ExecutionRoleArn: input.ExecutionRoleArn as string } : {}),
      CreationTime: epochSeconds(),
      EnableNetworkIsolation: (input.EnableNetworkIsolation as boolean | undefined) ?? false,
      Tags: (input.Tags as ModelRecord['Tags'] | undefined) ?? [],
    };
    this.ctx.state.models[key(name)] = record;
    this.ctx.persist();
    return { ModelArn: arn };
  }

  async DescribeModel(input: Input) {
    const { Tags: _tags, ...model } = this.model(this.name(input, 'ModelName'));
    return model;
  }

  async DeleteModel(input: Input) {
    const model = this.model(this.name(input, 'ModelName'));
    delete this.ctx.state.models[key(model.ModelName!)];
    this.ctx.persist();
    return {};
  }

  async ListModels(input: Input) {
    const page = this.list(input, Object.values(this.ctx.state.models), (m) => m.ModelName!);
    return {
      Models: page.items.map((m) => ({ ModelName: m.ModelName, ModelArn: m.ModelArn, CreationTime: m.CreationTime })),
      ...page.token,
    };
  }

  // ---- endpoint configs ---------------------------------------------------------------------

  async CreateEndpointConfig(input: Input) {
    const v = new Validator();
    const name = v.string('endpointConfigName', input.EndpointConfigName, {
      required: true,
      min: 1,
      max: 63,
      pattern: NAME_PATTERN,
    })!;
    v.tags('tags', input.Tags);
    const variants = v.list('productionVariants', input.ProductionVariants, { required: true, min: 1, max: 10 }) ?? [];
    variants.forEach((item, i) => {
      const p = memberPath('productionVariants', i);
      const variant = v.object(p, item, true);
      v.string(memberPath(p, 'VariantName'), variant?.VariantName, { required: true, max: 63, pattern: NAME_PATTERN });
      v.string(memberPath(p, 'ModelName'), variant?.ModelName, { max: 63, pattern: NAME_PATTERN });
      v.number(memberPath(p, 'InitialInstanceCount'), variant?.InitialInstanceCount, { min: 1, integer: true });
      v.string(memberPath(p, 'InstanceType'), variant?.InstanceType, { pattern: 'ml\\.[a-z0-9]+\\.[a-z0-9]+' });
      v.number(memberPath(p, 'InitialVariantWeight'), variant?.InitialVariantWeight, { min: 0 });
      v.number(
        memberPath(p, 'ContainerStartupHealthCheckTimeoutInSeconds'),
        variant?.ContainerStartupHealthCheckTimeoutInSeconds,
        { min: 60, max: 3600, integer: true },
      );
      const serverless = v.object(memberPath(p, 'ServerlessConfig'), variant?.ServerlessConfig);
      v.number(`${p}.serverlessConfig.memorySizeInMB`, serverless?.MemorySizeInMB, {
        required: serverless !== undefined,
        min: 1024,
        max: 6144,
        integer: true,
      });
      v.number(`${p}.serverlessConfig.maxConcurrency`, serverless?.MaxConcurrency, {
        required: serverless !== undefined,
        min: 1,
        max: 200,
        integer: true,
      });
    });
    v.done();
    const arn = sageMakerArn(this.ctx.region, 'endpoint-config', name);
    if (this.ctx.state.endpointConfigs[key(name)])
      throw validationException(`Cannot create already existing endpoint configuration "${arn}".`);
    if (variants.length > 1)
      throw validationException('The local SageMaker hosts one production variant per endpoint configuration.');
    const variant = variants[0] as Input;
    if (variant.ModelName === undefined)
      throw validationException('ModelName must be specified for each production variant.');
    if (!this.ctx.state.models[key(String(variant.ModelName))]) {
      throw validationException(
        `Could not find model "${sageMakerArn(this.ctx.region, 'model', String(variant.ModelName))}".`,
      );
    }
    const serverless = variant.ServerlessConfig !== undefined;
    if (serverless && (variant.InstanceType !== undefined || variant.InitialInstanceCount !== undefined)) {
      throw validationException('InstanceType and InitialInstanceCount cannot be specified with ServerlessConfig.');
    }
    if (!serverless && (variant.InstanceType === undefined || variant.InitialInstanceCount === undefined)) {
      throw validationException(
        'Either ServerlessConfig, or both InstanceType and InitialInstanceCount, must be specified for each production variant.',
      );
    }
    const record: EndpointConfigRecord = {
      EndpointConfigName: name,
      EndpointConfigArn: arn,
      ProductionVariants: [
        {
          ...(variant as object),
          InitialVariantWeight: (variant.InitialVariantWeight as number | undefined) ?? 1,
        } as NonNullable<EndpointConfigRecord['ProductionVariants']>[number],
      ],
      CreationTime: epochSeconds(),
      EnableNetworkIsolation: false,
      Tags: (input.Tags as EndpointConfigRecord['Tags'] | undefined) ?? [],
    };
    this.ctx.state.endpointConfigs[key(name)] = record;
    this.ctx.persist();
    return { EndpointConfigArn: arn };
  }

  async DescribeEndpointConfig(input: Input) {
    const { Tags: _tags, ...config } = this.config(this.name(input, 'EndpointConfigName'));
    return config;
  }

  async DeleteEndpointConfig(input: Input) {
    const config = this.config(this.name(input, 'EndpointConfigName'));
    delete this.ctx.state.endpointConfigs[key(config.EndpointConfigName!)];
    this.ctx.persist();
    return {};
  }

  async ListEndpointConfigs(input: Input) {
    const page = this.list(input, Object.values(this.ctx.state.endpointConfigs), (c) => c.EndpointConfigName!);
    return {
      EndpointConfigs: page.items.map((c) => ({
        EndpointConfigName: c.EndpointConfigName,
        EndpointConfigArn: c.EndpointConfigArn,
        CreationTime: c.CreationTime,
      })),
      ...page.token,
    };
  }

  // ---- endpoints ----------------------------------------------------------------------------

  async CreateEndpoint(input: Input) {
    const v = new Validator();
    const name = v.string('endpointName', input.EndpointName, {
      required: true,
      min: 1,
      max: 63,
      pattern: NAME_PATTERN,
    })!;
    const configName = v.string('endpointConfigName', input.EndpointConfigName, {
      required: true,
      min: 1,
      max: 63,
      pattern: NAME_PATTERN,
    })!;
    v.tags('tags', input.Tags);
    v.done();
    const arn = sageMakerArn(this.ctx.region, 'endpoint', name);
    if (this.ctx.state.endpoints[key(name)])
      throw validationException(`Cannot create already existing endpoint "${arn}".`);
    this.config(configName);
    const now = epochSeconds();
    const endpoint: EndpointRecord = {
      EndpointName: name,
      EndpointArn: arn,
      EndpointConfigName: configName,
      EndpointStatus: 'Creating',
      CreationTime: now,
      LastModifiedTime: now,
      DesiredEndpointConfigName: configName,
      Tags: (input.Tags as EndpointRecord['Tags'] | undefined) ?? [],
    };
    this.ctx.state.endpoints[key(name)] = endpoint;
    this.changed(endpoint);
    this.track(this.deploy(endpoint, configName, 'create'));
    return { EndpointArn: arn };
  }

  async UpdateEndpoint(input: Input) {
    const v = new Validator();
    const name = v.string('endpointName', input.EndpointName, {
      required: true,
      min: 1,
      max: 63,
      pattern: NAME_PATTERN,
    })!;
    const configName = v.string('endpointConfigName', input.EndpointConfigName, {
      required: true,
      min: 1,
      max: 63,
      pattern: NAME_PATTERN,
    })!;
    v.done();
    const endpoint = this.endpoint(name);
    this.config(configName);
    if (
      endpoint.EndpointStatus === 'Creating' ||
      endpoint.EndpointStatus === 'Updating' ||
      endpoint.EndpointStatus === 'Deleting'
    ) {
      throw validationException(`Cannot update in-progress endpoint "${endpoint.EndpointArn}".`);
    }
    if (endpoint.EndpointStatus !== 'InService') {
      throw validationException(
        `Cannot update endpoint "${endpoint.EndpointArn}" in status ${endpoint.EndpointStatus}: delete it and create it again.`,
      );
    }
    if (key(configName) === key(endpoint.EndpointConfigName!)) {
      throw validationException(
        `Endpoint "${endpoint.EndpointArn}" already uses endpoint configuration "${configName}": the local SageMaker deploys a different configuration on update.`,
      );
    }
    Object.assign(endpoint, {
      EndpointStatus: 'Updating',
      DesiredEndpointConfigName: configName,
      LastModifiedTime: epochSeconds(),
    });
    delete endpoint.FailureReason;
    this.changed(endpoint);
    this.track(this.deploy(endpoint, configName, 'update'));
    return { EndpointArn: endpoint.EndpointArn };
  }

  async DescribeEndpoint(input: Input) {
    const {
      Tags: _tags,
      DesiredEndpointConfigName: _desired,
      ...endpoint
    } = this.endpoint(this.name(input, 'EndpointName'));
    return endpoint;
  }

  async DeleteEndpoint(input: Input) {
    const endpoint = this.endpoint(this.name(input, 'EndpointName'));
    const k = key(endpoint.EndpointName!);
    endpoint.EndpointStatus = 'Deleting';
    endpoint.LastModifiedTime = epochSeconds();
    this.changed(endpoint);
    delete this.ctx.state.endpoints[k];
    const deployment = this.deployments.get(k);
    this.deployments.delete(k);
    this.crashRestarts.delete(k);
    this.ctx.persist();
    await deployment?.serve.stop();
    return {};
  }

  async ListEndpoints(input: Input) {
    const v = new Validator();
    const status = v.string('statusEquals', input.StatusEquals, {
      enum: [
        'OutOfService',
        'Creating',
        'Updating',
        'SystemUpdating',
        'RollingBack',
        'InService',
        'Deleting',
        'Failed',
        'UpdateRollbackFailed',
      ],
    });
    v.done();
    const all = Object.values(this.ctx.state.endpoints).filter((e) => !status || e.EndpointStatus === status);
    const page = this.list(input, all, (e) => e.EndpointName!);
    return {
      Endpoints: page.items.map((e) => ({
        EndpointName: e.EndpointName,
        EndpointArn: e.EndpointArn,
        CreationTime: e.CreationTime,
        LastModifiedTime: e.LastModifiedTime,
        EndpointStatus: e.EndpointStatus,
      })),
      ...page.token,
    };
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * After a restart: InService endpoints get their `serve` back (from the already extracted model;
   * awaited, so the stand-in answers invocations as soon as it is up); interrupted creations and
   * updates are redone.
   */
  async restore(): Promise<void> {
    const restores: Array<Promise<void>> = [];
    for (const endpoint of Object.values(this.ctx.state.endpoints)) {
      const current = endpoint.EndpointConfigName!;
      const desired = endpoint.DesiredEndpointConfigName;
      switch (endpoint.EndpointStatus) {
        case 'InService':
          restores.push(this.deploy(endpoint, current, 'restore'));
          break;
        case 'Creating':
          this.track(this.deploy(endpoint, desired ?? current, 'create'));
          break;
        case 'Updating':
          restores.push(
            this.deploy(endpoint, current, 'restore').then(() => {
              if (desired && key(desired) !== key(current) && endpoint.EndpointStatus === 'Updating')
                this.track(this.deploy(endpoint, desired, 'update'));
            }),
          );
          break;
        case 'Deleting':
          delete this.ctx.state.endpoints[key(endpoint.EndpointName!)];
          this.ctx.persist();
          break;
        default:
          break;
      }
    }
    await Promise.all(restores);
  }

  /** Stops every `serve`; endpoint records stay as they are so a restart can bring them back. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.inFlight]);
    const all = [...this.deployments.values()];
    this.deployments.clear();
    await Promise.all(all.map((d) => d.serve.stop()));
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deploy(endpoint: EndpointRecord, configName: string, mode: Mode): Promise<void> {
    const k = key(endpoint.EndpointName!);
    const gone = () => this.closing || this.ctx.state.endpoints[k] !== endpoint;
    let deployment: Deployment;
    try {
      deployment = await this.startServe(endpoint.EndpointName!, configName, mode === 'restore');
    } catch (e) {
      if (gone()) return;
      const reason = (e as Error).message;
      this.ctx.log.warn('endpoint deployment failed', {
        endpointName: endpoint.EndpointName,
        endpointConfigName: configName,
        reason,
      });
      if (mode === 'update') {
        // The old deployment keeps serving: back to InService, the failure reported.
        Object.assign(endpoint, {
          EndpointStatus: 'InService',
          FailureReason: reason,
          LastModifiedTime: epochSeconds(),
        });
      } else {
        this.deployments.delete(k);
        Object.assign(endpoint, { EndpointStatus: 'Failed', FailureReason: reason, LastModifiedTime: epochSeconds() });
      }
      delete endpoint.DesiredEndpointConfigName;
      this.changed(endpoint);
      return;
    }
    if (gone()) {
      await deployment.serve.stop();
      return;
    }
    const previous = this.deployments.get(k);
    this.deployments.set(k, deployment);
    this.watchCrash(endpoint, deployment);
    if (mode !== 'restore') this.crashRestarts.delete(k);
    await previous?.serve.stop();
    const config = this.ctx.state.endpointConfigs[key(configName)];
    const model = config ? this.ctx.state.models[key(config.ProductionVariants?.[0]?.ModelName ?? '')] : undefined;
    const wasInService =
      endpoint.EndpointStatus === 'InService' && key(endpoint.EndpointConfigName!) === key(configName);
    Object.assign(endpoint, {
      EndpointStatus: endpoint.EndpointStatus === 'Updating' && mode === 'restore' ? 'Updating' : 'InService',
      EndpointConfigName: config?.EndpointConfigName ?? configName,
      ProductionVariants: config ? variantSummaries(config, model) : endpoint.ProductionVariants,
      ...(wasInService ? {} : { LastModifiedTime: epochSeconds() }),
    });
    if (mode !== 'restore') {
      delete endpoint.FailureReason;
      delete endpoint.DesiredEndpointConfigName;
    }
    if (!wasInService) this.changed(endpoint);
    else this.ctx.persist();
  }

  /** A `serve` that dies on its own is restarted (SageMaker replaces unhealthy instances), a few times at most. */
  private watchCrash(endpoint: EndpointRecord, deployment: Deployment): void {
    const k = key(endpoint.EndpointName!);
    void deployment.serve.crashed.then((exit) => {
      if (this.closing || this.deployments.get(k) !== deployment) return;
      const restarts = (this.crashRestarts.get(k) ?? 0) + 1;
      this.crashRestarts.set(k, restarts);
      this.ctx.log.warn('endpoint serve process exited', {
        endpointName: endpoint.EndpointName,
        code: exit.code,
        signal: exit.signal,
        restarts,
      });
      if (restarts > MAX_CRASH_RESTARTS) {
        this.deployments.delete(k);
        Object.assign(endpoint, {
          EndpointStatus: 'Failed',
          FailureReason: `The serve process of production variant ${deployment.variantName} exited (code ${exit.code ?? exit.signal}) more than ${MAX_CRASH_RESTARTS} times.`,
          LastModifiedTime: epochSeconds(),
        });
        this.changed(endpoint);
        return;
      }
      this.track(this.deploy(endpoint, deployment.configName, 'restore'));
    });
  }

  private async startServe(endpointName: string, configName: string, reuseFolder: boolean): Promise<Deployment> {
    const config = this.ctx.state.endpointConfigs[key(configName)];
    if (!config)
      throw new Error(
        `Could not find endpoint configuration "${sageMakerArn(this.ctx.region, 'endpoint-config', configName)}".`,
      );
    const variant = config.ProductionVariants![0]!;
    const model = this.ctx.state.models[key(variant.ModelName!)];
    if (!model)
      throw new Error(`Could not find model "${sageMakerArn(this.ctx.region, 'model', variant.ModelName!)}".`);
    const mlRoot = join(this.ctx.workDir, 'endpoints', endpointName, config.EndpointConfigName!);
    const modelDir = join(mlRoot, 'model');
    const reusable =
      reuseFolder &&
      (await stat(modelDir).then(
        (s) => s.isDirectory(),
        () => false,
      ));
    if (!reusable) {
      await rm(mlRoot, { recursive: true, force: true });
      await mkdir(modelDir, { recursive: true });
      const url = model.PrimaryContainer?.ModelDataUrl;
      if (url) {
        const tarball = join(mlRoot, 'model.tar.gz');
        try {
          await downloadObject(this.ctx.s3, parseS3Uri(url), tarball);
        } catch (e) {
          throw new Error(`Failed to download model data from ${url}: ${(e as Error).message}`);
        }
        try {
          await extractTar({ file: tarball, cwd: modelDir, strict: true });
        } catch {
          throw new Error(
            `Failed to extract model data archive from URL "${url}". Please ensure that the object located at the URL is a valid tar.gz archive.`,
          );
        } finally {
          await rm(tarball, { force: true });
        }
      }
    }
    const startupSeconds = variant.ContainerStartupHealthCheckTimeoutInSeconds;
    const serve = await ServeProcess.start({
      modelCommand: this.ctx.modelCommand,
      mlRoot,
      environment: model.PrimaryContainer?.Environment as Record<string, string> | undefined,
      variantName: variant.VariantName!,
      logFile: this.endpointLogFile(endpointName),
      pingTimeoutMs: startupSeconds !== undefined ? startupSeconds * 1000 : this.ctx.settings.pingTimeoutMs,
      stopGraceMs: this.ctx.settings.stopGraceMs,
      onLine: (line, stream) => {
        const event: LogLine = { source: 'endpoint', name: endpointName, stream, line, time: Date.now() };
        this.ctx.emitter.emit(LOG, event);
      },
    });
    return { configName: config.EndpointConfigName!, variantName: variant.VariantName!, serve };
  }

  private changed(endpoint: EndpointRecord): void {
    this.ctx.persist();
    this.ctx.emitter.emit(EVENT, endpointEvent(this.ctx.region, endpoint));
  }

  private name(input: Input, field: 'ModelName' | 'EndpointConfigName' | 'EndpointName'): string {
    const v = new Validator();
    const name = v.string(memberPath('', field), input[field], {
      required: true,
      min: 1,
      max: 63,
      pattern: NAME_PATTERN,
    });
    v.done();
    return name!;
  }

  private model(name: string): ModelRecord {
    const model = this.ctx.state.models[key(name)];
    if (!model) throw validationException(`Could not find model "${sageMakerArn(this.ctx.region, 'model', name)}".`);
    return model;
  }

  private config(name: string): EndpointConfigRecord {
    const config = this.ctx.state.endpointConfigs[key(name)];
    if (!config)
      throw validationException(
        `Could not find endpoint configuration "${sageMakerArn(this.ctx.region, 'endpoint-config', name)}".`,
      );
    return config;
  }

  private endpoint(name: string): EndpointRecord {
    const endpoint = this.ctx.state.endpoints[key(name)];
    if (!endpoint)
      throw validationException(`Could not find endpoint "${sageMakerArn(this.ctx.region, 'endpoint', name)}".`);
    return endpoint;
  }

  /** The shared filters of ListModels/ListEndpointConfigs/ListEndpoints (SortBy Name|CreationTime, newest first by default). */
  private list<T extends { CreationTime?: number }>(input: Input, items: T[], nameOf: (t: T) => string) {
    const v = new Validator();
    const maxResults = v.number('maxResults', input.MaxResults, { min: 1, max: 100, integer: true });
    const nextToken = v.string('nextToken', input.NextToken, { max: 8192 });
    const nameContains = v.string('nameContains', input.NameContains, { max: 63, pattern: '[a-zA-Z0-9-]+' });
    const sortField = v.string('sortBy', input.SortBy, { enum: ['Name', 'CreationTime', 'Status'] }) ?? 'CreationTime';
    const order = v.string('sortOrder', input.SortOrder, { enum: ['Ascending', 'Descending'] }) ?? 'Descending';
    const after = v.timestamp('creationTimeAfter', input.CreationTimeAfter);
    const before = v.timestamp('creationTimeBefore', input.CreationTimeBefore);
    v.done();
    const filtered = items.filter(
      (i) =>
        (!nameContains || nameOf(i).toLowerCase().includes(nameContains.toLowerCase())) &&
        (after === undefined || i.CreationTime! > after) &&
        (before === undefined || i.CreationTime! < before),
    );
    const sorted = sortBy(
      filtered,
      (i) => (sortField === 'Name' ? nameOf(i) : i.CreationTime!),
      order === 'Descending',
    );
    const { page, NextToken } = paginate(sorted, maxResults, nextToken, 10);
    return { items: page, token: NextToken ? { NextToken } : {} };
  }
}

function variantSummaries(config: EndpointConfigRecord, model: ModelRecord | undefined) {
  const now = epochSeconds();
  return (config.ProductionVariants ?? []).map((v) => ({
    VariantName: v.VariantName,
    DeployedImages: model?.PrimaryContainer?.Image
      ? [
          {
            SpecifiedImage: model.PrimaryContainer.Image,
            ResolvedImage: model.PrimaryContainer.Image,
            ResolutionTime: now,
          },
        ]
      : [],
    CurrentWeight: v.InitialVariantWeight ?? 1,
    DesiredWeight: v.InitialVariantWeight ?? 1,
    ...(v.ServerlessConfig
      ? { CurrentServerlessConfig: v.ServerlessConfig, DesiredServerlessConfig: v.ServerlessConfig }
      : { CurrentInstanceCount: v.InitialInstanceCount, DesiredInstanceCount: v.InitialInstanceCount }),
  }));
}
