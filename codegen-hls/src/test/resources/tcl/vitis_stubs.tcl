# Stand-ins for the Vitis HLS and Vivado Tcl commands, so generated scripts can be sourced by plain
# tclsh in tests. Every command records what it was asked; file arguments must exist.
set ::log {}
proc record {args} { lappend ::log $args }
proc require_file {f} {
  if {![file exists $f]} { error "referenced file does not exist: $f" }
}
proc open_project {args} { record open_project {*}$args }
proc set_top {name} { record set_top $name }
proc add_files {args} {
  set files {}
  for {set i 0} {$i < [llength $args]} {incr i} {
    set a [lindex $args $i]
    if {$a eq "-cflags" || $a eq "-csimflags"} { incr i; continue }
    if {$a eq "-tb" || $a eq "-norecurse"} { continue }
    foreach f $a { require_file $f; lappend files $f }
  }
  record add_files {*}$files
}
proc open_solution {args} { record open_solution {*}$args }
proc set_part {part} { set ::part $part; record set_part $part }
proc create_clock {args} {
  set ::period [lindex $args [expr {[lsearch $args -period] + 1}]]
  record create_clock {*}$args
}
proc config_interface {args} { record config_interface {*}$args }
proc config_compile {args} { record config_compile {*}$args }
proc csim_design {args} { record csim_design {*}$args }
proc csynth_design {args} { record csynth_design }
proc cosim_design {args} { record cosim_design {*}$args }
proc export_design {args} { record export_design {*}$args }
# Vivado
proc create_project {args} { set ::part [lindex $args end]; record create_project {*}$args }
proc set_property {args} {
  if {[lindex $args 0] eq "board_part"} { set ::board_part [lindex $args 1] }
  record set_property {*}$args
}
proc current_project {} { return proj }
proc update_ip_catalog {} { record update_ip_catalog }
proc create_bd_design {name} { record create_bd_design $name }
proc create_bd_cell {args} { record create_bd_cell {*}$args }
proc apply_bd_automation {args} { record apply_bd_automation {*}$args }
proc get_bd_cells {args} { return $args }
proc get_bd_intf_pins {args} { return $args }
proc validate_bd_design {} { record validate_bd_design }
proc save_bd_design {} { record save_bd_design }
proc make_wrapper {args} { record make_wrapper }
proc get_files {args} { return $args }
proc glob {args} { return [list [lindex $args end]] }
proc current_fileset {} { return sources_1 }
proc launch_runs {args} { record launch_runs {*}$args }
proc wait_on_run {args} { record wait_on_run {*}$args }
rename file _file
proc file {cmd args} {
  if {$cmd eq "copy"} { record file_copy {*}$args; return }
  return [_file $cmd {*}$args]
}
proc exit {args} { record exit }
