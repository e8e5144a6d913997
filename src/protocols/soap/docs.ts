import type { SoapContract } from './contract.js';
import { SERVICE_NAME, TNS } from './spec.js';
import type { XmlField, XmlType } from './model.js';
import { escapeAttr, escapeText } from '../shared/xml-text.js';

/** The address written into the checked-in wsdl/polyface.wsdl; the served copy uses PUBLIC_URL (else the listening URL), never the Host header. */
export const DEFAULT_LOCATION = 'http://localhost:3000/soap';

const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const WSDL_SOAP11 = 'http://schemas.xmlsoap.org/wsdl/soap/';
const WSDL_SOAP12 = 'http://schemas.xmlsoap.org/wsdl/soap12/';
const HTTP_TRANSPORT = 'http://schemas.xmlsoap.org/soap/http';
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

export const BINDINGS = [
  { binding: `${SERVICE_NAME}Soap`, prefix: 'soap', version: '1.1' },
  { binding: `${SERVICE_NAME}Soap12`, prefix: 'soap12', version: '1.2' },
] as const;

const pad = (depth: number) => '  '.repeat(depth);

function doc(text: string | undefined, depth: number): string {
  return text ? `${pad(depth)}<xsd:annotation><xsd:documentation>${escapeText(text)}</xsd:documentation></xsd:annotation>\n` : '';
}

function typeRef(type: XmlType): string | undefined {
  if (type.kind === 'complex') return type.name ? `tns:${type.name}` : undefined;
  return type.enumeration ? undefined : type.base;
}

/** An anonymous type spelled out inside its element. */
function inlineType(type: XmlType, depth: number): string {
  if (type.kind === 'simple') {
    const values = (type.enumeration ?? []).map((v) => `${pad(depth + 2)}<xsd:enumeration value="${escapeAttr(v)}"/>\n`).join('');
    return `${pad(depth)}<xsd:simpleType>\n${pad(depth + 1)}<xsd:restriction base="${type.base}">\n${values}${pad(depth + 1)}</xsd:restriction>\n${pad(depth)}</xsd:simpleType>\n`;
  }
  return `${pad(depth)}<xsd:complexType>\n${sequence(type.fields, depth + 1)}${pad(depth)}</xsd:complexType>\n`;
}

function element(field: XmlField, depth: number): string {
  const occurs =
    (field.minOccurs !== 1 ? ` minOccurs="${field.minOccurs}"` : '') + (field.maxOccurs !== 1 ? ` maxOccurs="${field.maxOccurs}"` : '');
  const ref = typeRef(field.type);
  const annotation = doc(field.doc, depth + 1);
  if (ref) {
    if (!annotation) return `${pad(depth)}<xsd:element name="${field.name}" type="${ref}"${occurs}/>\n`;
    return `${pad(depth)}<xsd:element name="${field.name}" type="${ref}"${occurs}>\n${annotation}${pad(depth)}</xsd:element>\n`;
  }
  return `${pad(depth)}<xsd:element name="${field.name}"${occurs}>\n${annotation}${inlineType(field.type, depth + 1)}${pad(depth)}</xsd:element>\n`;
}

function sequence(fields: readonly XmlField[], depth: number): string {
  return `${pad(depth)}<xsd:sequence>\n${fields.map((f) => element(f, depth + 1)).join('')}${pad(depth)}</xsd:sequence>\n`;
}

function schema(contract: SoapContract): string {
  const d = 3;
  let out = `${pad(2)}<xsd:schema targetNamespace="${TNS}" elementFormDefault="qualified">\n`;
  for (const type of contract.types) {
    out += `${pad(d)}<xsd:complexType name="${type.name}">\n${sequence(type.fields, d + 1)}${pad(d)}</xsd:complexType>\n`;
  }
  for (const op of contract.operations) {
    out += element({ name: op.name, type: op.request, minOccurs: 1, maxOccurs: 1, doc: op.op.summary }, d);
    const result: XmlField = { name: op.resultElement, type: op.result, minOccurs: 1, maxOccurs: 1 };
    out += element({ name: `${op.name}Response`, type: { kind: 'complex', fields: [result] }, minOccurs: 1, maxOccurs: 1 }, d);
  }
  out += `${pad(d)}<xsd:element name="ServiceFault" type="tns:ServiceFault"/>\n`;
  return `${out}${pad(2)}</xsd:schema>\n`;
}

function binding(contract: SoapContract, name: string, prefix: string): string {
  const body = `<${prefix}:body use="literal"/>`;
  const ops = contract.operations
    .map(
      (op) =>
        `${pad(2)}<wsdl:operation name="${op.name}">\n` +
        `${pad(3)}<${prefix}:operation soapAction="${op.action}" style="document"/>\n` +
        `${pad(3)}<wsdl:input>${body}</wsdl:input>\n` +
        `${pad(3)}<wsdl:output>${body}</wsdl:output>\n` +
        `${pad(3)}<wsdl:fault name="ServiceFault"><${prefix}:fault name="ServiceFault" use="literal"/></wsdl:fault>\n` +
        `${pad(2)}</wsdl:operation>\n`,
    )
    .join('');
  return (
    `${pad(1)}<wsdl:binding name="${name}" type="tns:${SERVICE_NAME}PortType">\n` +
    `${pad(2)}<${prefix}:binding style="document" transport="${HTTP_TRANSPORT}"/>\n${ops}${pad(1)}</wsdl:binding>\n`
  );
}

/**
 * WSDL 1.1, document/literal wrapped (WS-I Basic Profile 1.1): one wrapper
 * element per request and response, one part named "parameters", a SOAP 1.1
 * and a SOAP 1.2 binding of the same port type, and a typed ServiceFault on
 * every operation. Built from the contract, never parsed back.
 */
export function wsdlDocument(contract: SoapContract, location: string): string {
  const messages = contract.operations
    .map(
      (op) =>
        `${pad(1)}<wsdl:message name="${op.name}Request"><wsdl:part name="parameters" element="tns:${op.name}"/></wsdl:message>\n` +
        `${pad(1)}<wsdl:message name="${op.name}Response"><wsdl:part name="parameters" element="tns:${op.name}Response"/></wsdl:message>\n`,
    )
    .join('');
  const portOps = contract.operations
    .map(
      (op) =>
        `${pad(2)}<wsdl:operation name="${op.name}">\n` +
        `${pad(3)}<wsdl:documentation>${escapeText(op.op.summary)}</wsdl:documentation>\n` +
        `${pad(3)}<wsdl:input message="tns:${op.name}Request"/>\n` +
        `${pad(3)}<wsdl:output message="tns:${op.name}Response"/>\n` +
        `${pad(3)}<wsdl:fault name="ServiceFault" message="tns:ServiceFault"/>\n` +
        `${pad(2)}</wsdl:operation>\n`,
    )
    .join('');
  const address = escapeAttr(location);
  const ports = BINDINGS.map(
    (b) => `${pad(2)}<wsdl:port name="${b.binding}" binding="tns:${b.binding}"><${b.prefix}:address location="${address}"/></wsdl:port>\n`,
  ).join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<!-- Generated from src/contract/operations.ts by scripts/write-wsdl.ts; do not edit by hand. -->\n` +
    `<wsdl:definitions name="${SERVICE_NAME}" targetNamespace="${TNS}" xmlns:tns="${TNS}" xmlns:wsdl="${WSDL_NS}" ` +
    `xmlns:soap="${WSDL_SOAP11}" xmlns:soap12="${WSDL_SOAP12}" xmlns:xsd="${XSD_NS}">\n` +
    `${pad(1)}<wsdl:documentation>polyface user service: users, their orders and products.</wsdl:documentation>\n` +
    `${pad(1)}<wsdl:types>\n${schema(contract)}${pad(1)}</wsdl:types>\n` +
    messages +
    `${pad(1)}<wsdl:message name="ServiceFault"><wsdl:part name="fault" element="tns:ServiceFault"/></wsdl:message>\n` +
    `${pad(1)}<wsdl:portType name="${SERVICE_NAME}PortType">\n${portOps}${pad(1)}</wsdl:portType>\n` +
    BINDINGS.map((b) => binding(contract, b.binding, b.prefix)).join('') +
    `${pad(1)}<wsdl:service name="${SERVICE_NAME}">\n${ports}${pad(1)}</wsdl:service>\n` +
    `</wsdl:definitions>\n`
  );
}

/**
 * The served WSDL differs only in its address, so it is split once around a
 * marker and each GET joins three strings.
 */
export function wsdlTemplate(contract: SoapContract): (location: string) => string {
  const marker = '\u0000LOCATION\u0000';
  const parts = wsdlDocument(contract, marker).split(escapeAttr(marker));
  return (location) => parts.join(escapeAttr(location));
}
