"""Theory maps: self-contained interactive HTML maps of programme theories, CMOCs and their evidence.

Import from the modules (`viz.maps.build_map`, `viz.extract.resolve_target`): this
package stays empty so that commands which draw no map never load pyvis.
"""
