import type { Service } from './catalog.js';

/** Carriers require a registered signature at the start of every message. */
export const SMS_SIGNATURE = '【一刻钟】';

/** One SMS part holds 70 characters when the text is Chinese (UCS-2). */
export const SMS_PART_CHARS = 70;

/**
 * New-offer text: a fixed template with variables (service, start day and
 * time in city time, the link) and no personal data of the elder. Kept short
 * so that the longest service name and link still fit one part.
 */
export function offerSmsText(input: { service: Service; earliestStart: string; link: string }): string {
  const day = Number(input.earliestStart.slice(8, 10));
  const time = input.earliestStart.slice(11, 16);
  return `${SMS_SIGNATURE}${input.service.nameZh} ${day}日${time} 接单${input.link}`;
}

/** Word to the assigned caregiver that a visit is off: no link, no personal data. */
export function cancelledSmsText(input: { service: Service; earliestStart: string }): string {
  const day = Number(input.earliestStart.slice(8, 10));
  const time = input.earliestStart.slice(11, 16);
  return `${SMS_SIGNATURE}您${day}日${time}的${input.service.nameZh}服务已取消，无需上门。`;
}

/** A visit assigned by hand (by the hub centre or the company's dispatcher): the job's link. */
export function assignedSmsText(input: { service: Service; earliestStart: string; link: string }): string {
  const day = Number(input.earliestStart.slice(8, 10));
  const time = input.earliestStart.slice(11, 16);
  return `${SMS_SIGNATURE}派${input.service.nameZh}${day}日${time} ${input.link}`;
}

/** To the companies' dispatchers and the street's hub centre: a visit nearby found nobody. */
export function unfilledSmsText(input: { service: Service; earliestStart: string }): string {
  const day = Number(input.earliestStart.slice(8, 10));
  const time = input.earliestStart.slice(11, 16);
  return `${SMS_SIGNATURE}${input.service.nameZh} ${day}日${time} 无人接单，请协调派人并在平台处理。`;
}
