import * as s from '../domain/catalog/schemas.js';
import { byIdIn, deletedOut } from '../domain/shapes.js';
import { AUTHED, type Operation } from './operation.js';

export const CATALOG_OPERATIONS = [
  {
    name: 'listProducts',
    summary: 'List products with filters, sorting and paging',
    kind: 'query',
    access: 'authenticated',
    input: s.listProductsIn,
    output: s.productPageOut,
    errors: AUTHED,
    run: (d, c, i) => d.products.list(c, i),
  },
  {
    name: 'getProduct',
    summary: 'Get one product',
    kind: 'query',
    access: 'authenticated',
    input: byIdIn,
    output: s.productOut,
    errors: [...AUTHED, 'NOT_FOUND'],
    run: (d, c, i) => d.products.get(c, i),
  },
  {
    name: 'createProduct',
    summary: 'Add a product to the catalogue',
    kind: 'mutation',
    access: 'admin',
    input: s.createProductIn,
    output: s.productOut,
    errors: [...AUTHED, 'FORBIDDEN'],
    run: (d, c, i) => d.products.create(c, i),
  },
  {
    name: 'updateProduct',
    summary: 'Replace a product',
    kind: 'mutation',
    access: 'admin',
    input: s.updateProductIn,
    output: s.productOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND'],
    run: (d, c, i) => d.products.update(c, i),
  },
  {
    name: 'deleteProduct',
    summary: 'Remove a product no order refers to',
    kind: 'mutation',
    access: 'admin',
    input: byIdIn,
    output: deletedOut,
    errors: [...AUTHED, 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    run: (d, c, i) => d.products.delete(c, i),
  },
] as const satisfies readonly Operation[];
