import { describe, expect, it } from 'vitest';
import { CertificateType, ServiceSchema, findService, services } from '../../domain/catalog.js';

describe('service catalogue', () => {
  it('has the 20 services of the 1+N+20 model, each valid and unique', () => {
    expect(services).toHaveLength(20);
    expect(new Set(services.map((s) => s.code)).size).toBe(20);
    expect(new Set(services.map((s) => s.nameZh)).size).toBe(20);
    for (const service of services) expect(ServiceSchema.parse(service)).toEqual(service);
  });

  it('includes the four the seed names', () => {
    expect(['助餐', '助浴', '助洁', '助医'].every((zh) => services.some((s) => s.nameZh === zh))).toBe(true);
  });

  it('requires certificates for medical assistance and bathing', () => {
    expect(findService('medical')?.qualifyingCertificates).toEqual(expect.arrayContaining(['medicalCare']));
    expect(findService('bathing')?.qualifyingCertificates).toEqual(expect.arrayContaining(['elderCare']));
    for (const service of services) {
      for (const type of service.qualifyingCertificates) expect(CertificateType.options).toContain(type);
    }
  });

  it('finds nothing for an unknown code', () => {
    expect(findService('massage')).toBeUndefined();
  });
});
