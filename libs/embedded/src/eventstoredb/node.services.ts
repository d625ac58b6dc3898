/**
 * The rest of a node's gRPC surface: gossip, answered as a single-node cluster whose only
 * member is this leader (so `esdb+discover://` connection strings work), and the services
 * the embedded server does not implement (projections, persistent subscriptions, users,
 * operations, monitoring), which fail loudly with UNIMPLEMENTED and say so, instead of
 * answering something a real node would not.
 */
import { randomUUID } from 'node:crypto';
import {
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { GossipService } from '@eventstore/db-client/generated/gossip_grpc_pb';
import { ClusterInfo, EndPoint, MemberInfo } from '@eventstore/db-client/generated/gossip_pb';
import { UUID, type Empty } from '@eventstore/db-client/generated/shared_pb';
import { ProjectionsService } from '@eventstore/db-client/generated/projections_grpc_pb';
import { PersistentSubscriptionsService } from '@eventstore/db-client/generated/persistent_grpc_pb';
import { UsersService } from '@eventstore/db-client/generated/users_grpc_pb';
import { OperationsService } from '@eventstore/db-client/generated/operations_grpc_pb';
import { MonitoringService } from '@eventstore/db-client/generated/monitoring_grpc_pb';

export interface ServiceRegistration {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export function gossipService(host: string, port: () => number): ServiceRegistration {
  const instanceId = new UUID();
  instanceId.setString(randomUUID());
  return {
    definition: GossipService as unknown as ServiceDefinition,
    implementation: {
      read: (_call: ServerUnaryCall<Empty, ClusterInfo>, callback: sendUnaryData<ClusterInfo>) => {
        const endpoint = new EndPoint();
        endpoint.setAddress(host);
        endpoint.setPort(port());
        const member = new MemberInfo();
        member.setInstanceId(instanceId);
        member.setTimeStamp(String(Date.now() * 10_000));
        member.setState(MemberInfo.VNodeState.LEADER);
        member.setIsAlive(true);
        member.setHttpEndPoint(endpoint);
        const info = new ClusterInfo();
        info.setMembersList([member]);
        callback(null, info);
      },
    },
  };
}

const UNSUPPORTED = [
  ['projections', ProjectionsService],
  ['persistent subscriptions', PersistentSubscriptionsService],
  ['users', UsersService],
  ['operations', OperationsService],
  ['monitoring', MonitoringService],
] as const;

/** Every method of the unsupported services, answering UNIMPLEMENTED with an explicit reason. */
export function unsupportedServices(): ServiceRegistration[] {
  return UNSUPPORTED.map(([name, service]) => {
    const definition = service as unknown as ServiceDefinition;
    const implementation: UntypedServiceImplementation = {};
    for (const [method, spec] of Object.entries(definition)) {
      const error = {
        code: status.UNIMPLEMENTED,
        details: `${spec.path}: ${name} are not supported by the embedded EventStoreDB server`,
      };
      const answer = spec.responseStream
        ? (call: { emit(event: 'error', e: unknown): void }) => call.emit('error', error)
        : (_call: unknown, callback: (e: unknown) => void) => callback(error);
      implementation[method] = answer as UntypedServiceImplementation[string];
    }
    return { definition, implementation };
  });
}
