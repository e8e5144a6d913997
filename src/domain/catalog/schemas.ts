import { z } from 'zod';
import { moneyInput, moneyOutput } from '../money.js';
import { cursorInput, withTotalInput } from '../query/cursor.js';
import { filterInput, type FieldCatalogue } from '../query/filter.js';
import { xmlText } from '../text.js';
import { id, limit, offset, page, sortSpec } from '../shapes.js';

const productName = xmlText(z.string().trim().min(1).max(100));

export const PRODUCT_SORT_FIELDS = ['id', 'name', 'price'] as const;

/** What `filter` may name, and as what (price in the same decimals the API writes). */
export const PRODUCT_FILTER_FIELDS: FieldCatalogue = { id: { type: 'integer' }, name: { type: 'text' }, price: { type: 'money' } };

export const productOut = z.object({ id, name: z.string(), price: moneyOutput }).meta({ id: 'Product' });
export const productPageOut = page(productOut, 'ProductPage', { keyset: true });

export const listProductsIn = z.strictObject({
  limit,
  offset,
  name: xmlText(z.string().max(100)).optional().meta({ description: 'Case-insensitive substring of the name' }),
  minPrice: moneyInput.optional(),
  maxPrice: moneyInput.optional(),
  sort: sortSpec(PRODUCT_SORT_FIELDS),
  filter: filterInput(PRODUCT_FILTER_FIELDS, "price lt 30 and contains(name,'ou')"),
  // Last, so the fields numbered before them (gRPC) keep their numbers.
  cursor: cursorInput,
  withTotal: withTotalInput,
});
export const createProductIn = z.strictObject({ name: productName, price: moneyInput });
export const updateProductIn = z.strictObject({ id, name: productName, price: moneyInput });

export type Product = z.infer<typeof productOut>;
export type ListProductsInput = z.output<typeof listProductsIn>;
export type CreateProductInput = z.output<typeof createProductIn>;
export type UpdateProductInput = z.output<typeof updateProductIn>;
