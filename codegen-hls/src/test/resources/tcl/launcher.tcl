# Stand-in for the Vitis HLS launchers, run as `tclsh launcher.tcl <launcher> <its arguments>...`:
#   vitis_hls  -f <script.tcl>                        (Vitis HLS up to 2024.1)
#   vitis-run  --mode hls --tcl <script.tcl>          (Vitis 2024.2+; also --tcl --mode hls <script>)
# Checks the arguments as the launcher would need them, sets ::argv0/::argv as that launcher's
# interpreter would, sources the stand-in commands and then the script, and writes the command log
# (one command a line, with the folder open_project ran in) to $env(CNNHLS_STUB_LOG).
set launcher [lindex $argv 0]
set args [lrange $argv 1 end]
proc usage {msg} { puts stderr "$::launcher stand-in: $msg"; exit 2 }
switch -- $launcher {
  vitis_hls {
    if {[llength $args] != 2 || [lindex $args 0] ne "-f"} { usage "expected -f <script.tcl>, got: $args" }
    set script [lindex $args 1]
  }
  vitis-run {
    set mode {}
    set tcl 0
    set files {}
    for {set i 0} {$i < [llength $args]} {incr i} {
      set a [lindex $args $i]
      switch -- $a {
        --mode { incr i; set mode [lindex $args $i] }
        --tcl { set tcl 1 }
        default {
          if {[string match -* $a]} { usage "unknown option $a" }
          lappend files $a
        }
      }
    }
    if {$mode ne "hls"} { usage "--mode hls is required (got '$mode')" }
    if {!$tcl || [llength $files] != 1} { usage "expected --tcl and one script, got: $args" }
    set script [lindex $files 0]
  }
  default { usage "unknown launcher" }
}
if {![file exists $script]} { usage "no such script $script" }
set ::argv0 $launcher
set ::argv $args
set ::argc [llength $args]
source [file join [file dirname [file normalize [info script]]] vitis_stubs.tcl]
source $script
set out [open $::env(CNNHLS_STUB_LOG) w]
puts $out "launcher $launcher"
puts $out "dir $::hls_dir"
foreach e $::log { puts $out $e }
close $out
