import { IntrinsicError, resolveEnvironmentValue, type IntrinsicContext } from '../../src/functions/intrinsics';

const ctx: IntrinsicContext = {
  service: 'digits-training',
  stage: 'local',
  region: 'us-east-1',
  resources: {
    SageMakerRole: { Type: 'AWS::IAM::Role' },
    NamedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: { 'Fn::Sub': '${AWS::StackName}-sm' } } },
    ArtifactsBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'digits-local-artifacts' } },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts' } },
  },
  functionLogicalIds: { DeployLambdaFunction: 'digits-training-local-deploy' },
  importValue: (name) => (name === 'digits-local-RawBucket' ? 'digits-local-raw' : undefined),
};

describe('resolveEnvironmentValue', () => {
  it('keeps plain values as strings', () => {
    expect(resolveEnvironmentValue('x', ctx)).toBe('x');
    expect(resolveEnvironmentValue(3, ctx)).toBe('3');
    expect(resolveEnvironmentValue(false, ctx)).toBe('false');
  });

  it('gives GetAtt Arn an ARN of the resource type', () => {
    expect(resolveEnvironmentValue({ 'Fn::GetAtt': ['SageMakerRole', 'Arn'] }, ctx)).toBe(
      'arn:aws:iam::000000000000:role/digits-training-local-SageMakerRole',
    );
    expect(resolveEnvironmentValue({ 'Fn::GetAtt': ['NamedRole', 'Arn'] }, ctx)).toBe(
      'arn:aws:iam::000000000000:role/digits-training-local-sm',
    );
    expect(resolveEnvironmentValue({ 'Fn::GetAtt': 'ArtifactsBucket.Arn' }, ctx)).toBe(
      'arn:aws:s3:::digits-local-artifacts',
    );
    expect(resolveEnvironmentValue({ 'Fn::GetAtt': ['DeployLambdaFunction', 'Arn'] }, ctx)).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:digits-training-local-deploy',
    );
    expect(resolveEnvironmentValue({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] }, ctx)).toBe(
      'arn:aws:iam::000000000000:role/digits-training-local-us-east-1-lambdaRole',
    );
  });

  it('resolves Ref to names (ARN for SNS topics) and pseudo parameters', () => {
    expect(resolveEnvironmentValue({ Ref: 'ArtifactsBucket' }, ctx)).toBe('digits-local-artifacts');
    expect(resolveEnvironmentValue({ Ref: 'Topic' }, ctx)).toBe('arn:aws:sns:us-east-1:000000000000:alerts');
    expect(resolveEnvironmentValue({ Ref: 'AWS::AccountId' }, ctx)).toBe('000000000000');
  });

  it('evaluates Sub, Join, Select, Split and ImportValue', () => {
    expect(
      resolveEnvironmentValue({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${ArtifactsBucket}/${!Literal}' }, ctx),
    ).toBe('arn:aws:s3:::digits-local-artifacts/${Literal}');
    expect(
      resolveEnvironmentValue({ 'Fn::Sub': ['${A}-${AWS::Region}', { A: { Ref: 'ArtifactsBucket' } }] }, ctx),
    ).toBe('digits-local-artifacts-us-east-1');
    expect(resolveEnvironmentValue({ 'Fn::Join': ['/', ['a', { Ref: 'AWS::Region' }]] }, ctx)).toBe('a/us-east-1');
    expect(resolveEnvironmentValue({ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] }, ctx)).toBe('y');
    expect(resolveEnvironmentValue({ 'Fn::ImportValue': 'digits-local-RawBucket' }, ctx)).toBe('digits-local-raw');
    expect(resolveEnvironmentValue({ 'Fn::ImportValue': 'nobody-exports-this' }, ctx)).toBe(
      'local-import:nobody-exports-this',
    );
  });

  it('refuses what it cannot stand in for, naming it', () => {
    expect(() => resolveEnvironmentValue({ 'Fn::If': ['C', 'a', 'b'] }, ctx)).toThrow(
      new IntrinsicError('Fn::If has no local stand-in'),
    );
    expect(() => resolveEnvironmentValue({ Ref: 'Nope' }, ctx)).toThrow(/no resource named Nope/);
    expect(() => resolveEnvironmentValue({ a: 1, b: 2 }, ctx)).toThrow(IntrinsicError);
  });
});
