/**
 * Local stand-ins for CloudFormation intrinsics found in function environments (a deployed stack
 * resolves them; offline nothing does). The rule, applied deterministically:
 * - pseudo parameters: AWS::Region = the service's region (us-east-1), AWS::AccountId = 000000000000,
 *   AWS::Partition = aws, AWS::URLSuffix = amazonaws.com, AWS::StackName = <service>-<stage>;
 * - Ref <resource>: the resource's physical name — its name property when it declares one
 *   (BucketName, TableName, RoleName, ...), the deployed function name for `<Fn>LambdaFunction`,
 *   otherwise `<stack>-<LogicalId>`; Ref of an SNS topic is its ARN and of an SQS queue its URL, as
 *   CloudFormation returns them;
 * - Fn::GetAtt [X, Arn]: an ARN of X's resource type (`arn:aws:iam::000000000000:role/<name>`,
 *   `arn:aws:s3:::<name>`, ...); [X, Name] the name; other attributes `<physical name>.<Attr>`;
 * - Fn::Sub / Fn::Join / Fn::Select / Fn::Split: evaluated over the above;
 * - Fn::ImportValue: the value another service given to the runner exports under that name;
 *   an export no loaded service declares becomes `local-import:<name>` (and is reported).
 * Anything else (Fn::If, Fn::FindInMap, ...) is an error naming the variable: never dropped.
 */

export const LOCAL_ACCOUNT_ID = '000000000000';

export class IntrinsicError extends Error {
  override name = 'IntrinsicError';
}

interface Resource {
  Type?: string;
  Properties?: Record<string, unknown>;
}

export interface IntrinsicContext {
  service: string;
  stage: string;
  region: string;
  resources: Record<string, Resource>;
  /** serverless logical id (`PredictLambdaFunction`) → deployed function name. */
  functionLogicalIds: Record<string, string>;
  importValue?: (exportName: string) => string | undefined;
}

type Value = string | string[];

export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

/** Resolve an environment value (string, number, boolean or intrinsic) to the string a function sees. */
export function resolveEnvironmentValue(value: unknown, ctx: IntrinsicContext): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isIntrinsic(value)) {
    const resolved = resolve(value, ctx, 0);
    if (Array.isArray(resolved)) throw new IntrinsicError(`${describeIntrinsic(value)} yields a list, not a string`);
    return resolved;
  }
  throw new IntrinsicError(`unsupported value ${JSON.stringify(value)}`);
}

export function describeIntrinsic(value: Record<string, unknown>): string {
  const [fn, arg] = Object.entries(value)[0]!;
  return `${fn} ${JSON.stringify(arg)}`;
}

function resolve(value: unknown, ctx: IntrinsicContext, depth: number): Value {
  if (depth > 20) throw new IntrinsicError('intrinsics nest too deeply (a reference cycle?)');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => asString(resolve(v, ctx, depth + 1), 'list item'));
  if (!isIntrinsic(value)) throw new IntrinsicError(`cannot resolve ${JSON.stringify(value)}`);
  const [fn, arg] = Object.entries(value)[0]!;
  switch (fn) {
    case 'Ref':
      return ref(String(arg), ctx, depth);
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/s);
      if (!id || !attr) throw new IntrinsicError(`Fn::GetAtt needs [LogicalId, Attribute], got ${JSON.stringify(arg)}`);
      return getAtt(id, attr, ctx, depth);
    }
    case 'Fn::Sub':
      return sub(arg, ctx, depth);
    case 'Fn::Join': {
      if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError('Fn::Join needs [delimiter, [values]]');
      const parts = resolve(arg[1], ctx, depth + 1);
      return (Array.isArray(parts) ? parts : [parts]).join(String(arg[0]));
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError('Fn::Select needs [index, [values]]');
      const list = resolve(arg[1], ctx, depth + 1);
      const item = (Array.isArray(list) ? list : [list])[Number(asString(resolve(arg[0], ctx, depth + 1), 'index'))];
      if (item === undefined) throw new IntrinsicError(`Fn::Select index ${JSON.stringify(arg[0])} is out of range`);
      return item;
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg) || arg.length !== 2) throw new IntrinsicError('Fn::Split needs [delimiter, source]');
      return asString(resolve(arg[1], ctx, depth + 1), 'Fn::Split source').split(String(arg[0]));
    }
    case 'Fn::ImportValue': {
      const name = asString(resolve(arg, ctx, depth + 1), 'Fn::ImportValue name');
      return ctx.importValue?.(name) ?? `local-import:${name}`;
    }
    default:
      throw new IntrinsicError(`${fn} has no local stand-in`);
  }
}

function asString(value: Value, what: string): string {
  if (Array.isArray(value)) throw new IntrinsicError(`${what} must be a string, got a list`);
  return value;
}

function pseudo(name: string, ctx: IntrinsicContext): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return LOCAL_ACCOUNT_ID;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return stackName(ctx);
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${ctx.region}:${LOCAL_ACCOUNT_ID}:stack/${stackName(ctx)}/00000000-0000-0000-0000-000000000000`;
    case 'AWS::NoValue':
      return '';
    default:
      return undefined;
  }
}

const stackName = (ctx: IntrinsicContext) => `${ctx.service}-${ctx.stage}`;

/** Name properties CloudFormation uses as the physical id, per resource type. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SageMaker::Model': 'ModelName',
  'AWS::SageMaker::EndpointConfig': 'EndpointConfigName',
  'AWS::SageMaker::Endpoint': 'EndpointName',
  'AWS::ECR::Repository': 'RepositoryName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
};

function resourceType(id: string, ctx: IntrinsicContext): string | undefined {
  if (ctx.resources[id]?.Type) return ctx.resources[id]!.Type;
  if (id === 'IamRoleLambdaExecution') return 'AWS::IAM::Role';
  if (ctx.functionLogicalIds[id]) return 'AWS::Lambda::Function';
  if (id === 'HttpApi') return 'AWS::ApiGatewayV2::Api';
  return undefined;
}

function physicalName(id: string, ctx: IntrinsicContext, depth: number): string {
  if (ctx.functionLogicalIds[id]) return ctx.functionLogicalIds[id]!;
  if (id === 'IamRoleLambdaExecution') return `${ctx.service}-${ctx.stage}-${ctx.region}-lambdaRole`;
  const resource = ctx.resources[id];
  if (!resource) throw new IntrinsicError(`no resource named ${id} in this service`);
  const nameProperty = resource.Type ? NAME_PROPERTY[resource.Type] : undefined;
  const declared = nameProperty ? resource.Properties?.[nameProperty] : undefined;
  if (declared !== undefined) return asString(resolve(declared, ctx, depth + 1), `${id}.${nameProperty}`);
  return `${stackName(ctx)}-${id}`;
}

function ref(name: string, ctx: IntrinsicContext, depth: number): string {
  const p = pseudo(name, ctx);
  if (p !== undefined) return p;
  const physical = physicalName(name, ctx, depth);
  const type = resourceType(name, ctx);
  if (type === 'AWS::SNS::Topic') return arnFor(type, physical, ctx);
  if (type === 'AWS::SQS::Queue') return `https://sqs.${ctx.region}.amazonaws.com/${LOCAL_ACCOUNT_ID}/${physical}`;
  return physical;
}

function getAtt(id: string, attr: string, ctx: IntrinsicContext, depth: number): string {
  const physical = physicalName(id, ctx, depth);
  if (attr === 'Arn') return arnFor(resourceType(id, ctx), physical, ctx);
  if (attr === 'Name' || attr.endsWith('Name')) return physical;
  if (attr === 'QueueUrl') return `https://sqs.${ctx.region}.amazonaws.com/${LOCAL_ACCOUNT_ID}/${physical}`;
  return `${physical}.${attr}`;
}

function arnFor(type: string | undefined, name: string, ctx: IntrinsicContext): string {
  const { region } = ctx;
  const account = LOCAL_ACCOUNT_ID;
  switch (type) {
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${account}:role/${name}`;
    case 'AWS::IAM::ManagedPolicy':
      return `arn:aws:iam::${account}:policy/${name}`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::DynamoDB::Table':
      return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${region}:${account}:${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${account}:${name}`;
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${account}:function:${name}`;
    case 'AWS::Events::EventBus':
      return `arn:aws:events:${region}:${account}:event-bus/${name}`;
    case 'AWS::Events::Rule':
      return `arn:aws:events:${region}:${account}:rule/${name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
    case 'AWS::SageMaker::Model':
      return `arn:aws:sagemaker:${region}:${account}:model/${name.toLowerCase()}`;
    case 'AWS::SageMaker::EndpointConfig':
      return `arn:aws:sagemaker:${region}:${account}:endpoint-config/${name.toLowerCase()}`;
    case 'AWS::SageMaker::Endpoint':
      return `arn:aws:sagemaker:${region}:${account}:endpoint/${name.toLowerCase()}`;
    default: {
      // AWS::<Service>::<Type> → arn:aws:<service>:<region>:<account>:<type>/<name>
      const [, service = 'unknown', kind = 'resource'] = (type ?? '').split('::');
      return `arn:aws:${service.toLowerCase()}:${region}:${account}:${kind.toLowerCase()}/${name}`;
    }
  }
}

function sub(arg: unknown, ctx: IntrinsicContext, depth: number): string {
  const [template, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
  if (typeof template !== 'string') throw new IntrinsicError('Fn::Sub needs a template string');
  return template.replace(/\$\{([^}]*)\}/g, (_m, raw: string) => {
    if (raw.startsWith('!')) return `\${${raw.slice(1)}}`;
    const name = raw.trim();
    if (name in vars) return asString(resolve(vars[name], ctx, depth + 1), `Fn::Sub variable ${name}`);
    const p = pseudo(name, ctx);
    if (p !== undefined) return p;
    const dot = name.indexOf('.');
    return dot > 0 ? getAtt(name.slice(0, dot), name.slice(dot + 1), ctx, depth + 1) : ref(name, ctx, depth + 1);
  });
}
