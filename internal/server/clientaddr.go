package server

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5/middleware"
)

// clientAddr is the address of the client that sent r. Proxy headers are
// believed only from a configured trusted proxy: then the rightmost address in
// X-Forwarded-For that is not itself a trusted proxy is the client.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv6Unspecified()
	}
	addr = addr.Unmap()
	if !s.trusted(addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr
		}
		if hop = hop.Unmap(); !s.trusted(hop) {
			return hop
		}
		addr = hop
	}
	return addr
}

// clientString is clientAddr(r).String(), without making the string when it
// is the IPv4 address the connection came from, as written in RemoteAddr
// (netip accepts only the plain dotted form, which is also what String
// writes). It is logged for every request.
func (s *Server) clientString(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err == nil {
		if addr, err := netip.ParseAddr(host); err == nil && addr.Is4() && !s.trusted(addr) {
			return host
		}
	}
	return s.clientAddr(r).String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func requestID(r *http.Request) string { return middleware.GetReqID(r.Context()) }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// trustedPeer reports whether r comes straight from a trusted proxy.
func (s *Server) trustedPeer(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && s.trusted(addr.Unmap())
}
