import { maskPhone } from '../../../domain/registry.js';

/** Mainland numbers are stored as 11 digits; SMS services want E.164. */
export const toE164 = (phone: string) => (phone.startsWith('+') ? phone : `+86${phone}`);

/** `138****5678` for logs, whether the number came as 11 digits or E.164. */
export const maskedPhone = (phone: string) => maskPhone(phone.replace(/^\+86/, ''));
