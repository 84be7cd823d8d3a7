import { Link } from 'react-router';
import { links } from '../../nav/links';

/** YamlLink names an object and opens its YAML page (kinds without a page of their own). */
export function YamlLink({ cluster, group, version = 'v1', resource, namespace, name }: { cluster: string; group: string; version?: string; resource: string; namespace?: string; name: string }) {
  return <Link to={links.kindObject(cluster, group, version, resource, name, namespace)}>{name}</Link>;
}
