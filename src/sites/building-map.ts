import { BuildingFileError } from './building-file-error';
import { networkOf, parseAddress, type NumericAddress } from './network-address';

/** One line of the building file: a network and the building it belongs to. */
export interface BuildingNetwork {
  /** The file's line it came from (1-based). */
  line: number;
  family: 'ipv4' | 'ipv6';
  /** The network address as written in canonical form (`10.1.0.0`, `2001:db8:1::`). */
  address: string;
  prefixLength: number;
  /** `NetworkName`, null when the column is empty. */
  networkName: string | null;
  /** `BuildingName`, null when the column is empty. */
  buildingName: string | null;
  ownershipType: string | null;
  buildingType: string | null;
  buildingOfficeType: string | null;
  city: string | null;
  zipCode: string | null;
  country: string | null;
  state: string | null;
  region: string | null;
  /** `InsideCorp`: the network is the organization's own (CQD's "Inside" rather than "Outside"). */
  insideCorp: boolean;
  expressRoute: boolean;
  vpn: boolean;
}

/** Where an endpoint's network was reported: Graph's `networkInfo.subnet` and `ipAddress`. */
export interface EndpointNetwork {
  subnet: string | null;
  ip: string | null;
}

/** What a building file holds, as `buildings check` and the start-up log say it. */
export interface BuildingCounts {
  networks: number;
  ipv4: number;
  ipv6: number;
  /** Distinct `BuildingName`s. */
  buildings: number;
}

/** The networks of one address family, by prefix length, for longest-prefix lookups. */
class FamilyIndex {
  private readonly byLength = new Map<number, Map<bigint, BuildingNetwork>>();
  /** The prefix lengths in use, longest first: a lookup tries each once, so it costs a few map reads. */
  private lengths: number[] = [];

  /** Adds a network; throws when the same network is already there. */
  add(network: BuildingNetwork, key: bigint): void {
    let networks = this.byLength.get(network.prefixLength);
    if (!networks) {
      networks = new Map();
      this.byLength.set(network.prefixLength, networks);
      this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
    }
    const earlier = networks.get(key);
    if (earlier) {
      throw new BuildingFileError(network.line, 'NetworkIP', `${network.address}/${network.prefixLength} is already on line ${earlier.line}: each network may appear once`);
    }
    networks.set(key, network);
  }

  /** The network with the longest prefix that holds the address, or null. */
  find(address: NumericAddress): BuildingNetwork | null {
    for (const length of this.lengths) {
      const found = this.byLength.get(length)!.get(networkOf(address, length));
      if (found) return found;
    }
    return null;
  }
}

/**
 * The building file, ready to place endpoints: which building (and network name, inside corp or
 * not) an endpoint's address falls in, by the longest matching range as a router would choose.
 * Built by `parseBuildingFile`; immutable, so one map serves every call of every tenant.
 */
export class BuildingMap {
  private readonly families = { ipv4: new FamilyIndex(), ipv6: new FamilyIndex() };
  /** Every network, in file order. */
  readonly networks: readonly BuildingNetwork[];

  /** Indexes the networks. Throws {@link BuildingFileError} naming both lines when a network appears twice. */
  constructor(networks: readonly BuildingNetwork[]) {
    this.networks = [...networks];
    for (const network of this.networks) {
      const address = parseAddress(network.address);
      if (!address || address.family !== network.family) {
        throw new BuildingFileError(network.line, 'NetworkIP', `"${network.address}" is not an ${network.family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
      }
      this.families[network.family].add(network, networkOf(address, network.prefixLength));
    }
  }

  /** A map that places nothing (no `BUILDINGS_FILE`). */
  static empty(): BuildingMap {
    return new BuildingMap([]);
  }

  /**
   * The network of the building file an endpoint was on: the longest range holding its `ip`; when
   * the address is absent or in no range, the one holding its `subnet` (CQD joins the building file
   * on the subnet, so an endpoint whose address is masked or translated still lands where CQD puts
   * it). Null for an endpoint outside every range: outside corp, or a network nobody listed.
   * A bound function, so it can be handed to the summaries as it is (`{ place: map.place }`).
   */
  readonly place = (endpoint: EndpointNetwork): BuildingNetwork | null => {
    for (const text of [endpoint.ip, endpoint.subnet]) {
      if (!text) continue;
      const address = parseAddress(text.trim(), true);
      const found = address ? this.families[address.family].find(address) : null;
      if (found) return found;
    }
    return null;
  };

  /** How many networks, of each family, and how many distinct buildings the file names. */
  counts(): BuildingCounts {
    const ipv4 = this.networks.filter((network) => network.family === 'ipv4').length;
    const buildings = new Set(this.networks.map((network) => network.buildingName).filter((name) => name !== null));
    return { networks: this.networks.length, ipv4, ipv6: this.networks.length - ipv4, buildings: buildings.size };
  }
}
