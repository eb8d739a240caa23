import { collectRecords, PersonalDataRegistry, type PersonalDataSource } from './personal-data.registry';

function source(category: string): PersonalDataSource {
  return {
    category,
    description: `${category} records`,
    purposes: ['service'],
    sources: ['user'],
    async *export(subject) {
      yield { data: { userId: subject.userId, category } };
    },
    async erase() {
      return { deleted: 1, anonymised: 0, retained: [] };
    },
  };
}

describe('PersonalDataRegistry', () => {
  it('lists registered sources in category order', () => {
    const registry = new PersonalDataRegistry();
    registry.register(source('videos'));
    registry.register(source('identity.profile'));
    expect(registry.list().map((s) => s.category)).toEqual(['identity.profile', 'videos']);
  });

  it('erases in eraseOrder, the account last', () => {
    const registry = new PersonalDataRegistry();
    registry.register({ ...source('identity.profile'), eraseOrder: 1000 });
    registry.register(source('videos'));
    registry.register({ ...source('billing.stripe'), eraseOrder: 50 });
    expect(registry.erasureOrder().map((s) => s.category)).toEqual(['billing.stripe', 'videos', 'identity.profile']);
  });

  it('refuses a category registered twice', () => {
    const registry = new PersonalDataRegistry();
    registry.register(source('videos'));
    expect(() => registry.register(source('videos'))).toThrow(/registered twice/);
  });

  it('collects an exporter stream into records', async () => {
    const registry = new PersonalDataRegistry();
    registry.register(source('videos'));
    const records = await collectRecords(registry.get('videos')!, { userId: 'u1' });
    expect(records).toEqual([{ data: { userId: 'u1', category: 'videos' } }]);
  });
});
