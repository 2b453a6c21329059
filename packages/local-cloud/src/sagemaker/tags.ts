import type { Context } from './context';
import { validationException } from './errors';
import { Validator } from './validate';

/** AddTags / ListTags / DeleteTags on any resource of the stand-in, by ARN. */

type Input = Record<string, unknown>;
type Tag = { Key?: string; Value?: string };

export class Tags {
  constructor(private readonly ctx: Context) {}

  async AddTags(input: Input) {
    const v = new Validator();
    const arn = v.string('resourceArn', input.ResourceArn, {
      required: true,
      max: 256,
      pattern: 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:.+',
    });
    const tags = v.tags('tags', input.Tags) ?? [];
    v.done();
    const resource = this.find(arn!);
    for (const tag of tags) {
      const existing = resource.Tags.find((t) => t.Key === tag.Key);
      if (existing) existing.Value = tag.Value;
      else resource.Tags.push({ Key: tag.Key, Value: tag.Value });
    }
    this.ctx.persist();
    return { Tags: resource.Tags };
  }

  async ListTags(input: Input) {
    const v = new Validator();
    const arn = v.string('resourceArn', input.ResourceArn, { required: true, max: 256 });
    v.done();
    return { Tags: this.find(arn!).Tags };
  }

  async DeleteTags(input: Input) {
    const v = new Validator();
    const arn = v.string('resourceArn', input.ResourceArn, { required: true, max: 256 });
    const keys = (v.list('tagKeys', input.TagKeys, { required: true, min: 1, max: 50 }) ?? []) as string[];
    v.done();
    const resource = this.find(arn!);
    resource.Tags = resource.Tags.filter((t) => !keys.includes(t.Key ?? ''));
    this.ctx.persist();
    return {};
  }

  private find(arn: string): { Tags: Tag[] } {
    const { trainingJobs, models, endpointConfigs, endpoints } = this.ctx.state;
    const all: Array<{ arn?: string; record: { Tags: Tag[] } }> = [
      ...Object.values(trainingJobs).map((r) => ({ arn: r.TrainingJobArn, record: r })),
      ...Object.values(models).map((r) => ({ arn: r.ModelArn, record: r })),
      ...Object.values(endpointConfigs).map((r) => ({ arn: r.EndpointConfigArn, record: r })),
      ...Object.values(endpoints).map((r) => ({ arn: r.EndpointArn, record: r })),
    ];
    const found = all.find((r) => r.arn === arn);
    if (!found) throw validationException(`Could not find resource "${arn}".`);
    return found.record;
  }
}
