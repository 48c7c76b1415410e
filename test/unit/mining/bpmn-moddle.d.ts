// bpmn-moddle ships types for its metamodel only (`bpmn-moddle/types`), not for its entry point.
declare module 'bpmn-moddle' {
  export interface ParseWarning {
    message: string;
  }
  export class BpmnModdle {
    fromXML(xml: string): Promise<{ rootElement: unknown; warnings: ParseWarning[] }>;
  }
}
