/** A Graph change notification for a call record, as Graph sends it inside `value[]`; `overrides` on top. */
export function changeNotification(tenantId: string, clientState: string, callId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subscriptionId: 'sub-1',
    clientState,
    changeType: 'created',
    resource: `communications/callRecords/${callId}`,
    subscriptionExpirationDateTime: '2026-11-25T00:00:00Z',
    resourceData: { '@odata.type': '#Microsoft.Graph.callRecord', '@odata.id': `communications/callRecords/${callId}`, id: callId },
    tenantId,
    ...overrides,
  };
}
