// Package multicluster keeps Wheelhouse connected to its member clusters.
//
// Each member cluster gets one Cluster: typed, dynamic and metadata
// clients, a cached discovery REST mapper, and shared informers for the
// kinds the console and API read most. Reads are answered from those
// caches (List, Get) with pagination, selectors and sorting, so a page of
// pods from a 10,000-pod cluster costs microseconds instead of a LIST
// against its API server; writes go to the API server through the clients.
//
// Memory is a feature here: informers drop managedFields and the
// last-applied annotation before objects reach the cache, and Secrets are
// cached as metadata only, so their values never sit in the server's heap.
//
// Each Cluster watches its own health (a probe loop plus the informers'
// watch errors). A cluster that is down fails only its own requests, with an
// *UnavailableError naming it, and recovers by itself when its API server
// comes back.
//
// Where a cluster serves metrics.k8s.io (metrics-server), each Cluster also
// polls its NodeMetrics in the background (Usage): reads never wait on a
// metrics-server, and one that is absent or failing only leaves usage out.
package multicluster
