/** "getUser" → "GetUser": the SOAP and gRPC spelling of an operation name. */
export const pascalName = (name: string): string => name[0]!.toUpperCase() + name.slice(1);
