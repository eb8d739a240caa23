import simpleRestProvider from 'ra-data-simple-rest';
import { httpClient } from './httpClient';

/** The console API speaks ra-data-simple-rest's dialect, so the stock provider is used unmodified. */
export const dataProvider = simpleRestProvider('/admin', httpClient);
