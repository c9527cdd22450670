# Stand-ins for the Vitis HLS and Vivado Tcl commands, so generated scripts can be sourced by plain
# tclsh in tests. Every command records what it was asked (::log) and checks its arguments: an
# unknown option, property or value is an error, as a misspelling would be in the real tools.
# File arguments must exist. The Vivado part models just enough of a block design to catch what the
# real validate_bd_design rejects here: PS clock pins without a clock (BD 41-758), Zynq-7000 DDR and
# FIXED_IO not external, accelerator interfaces left unconnected.
#
# Set before sourcing a Vivado script (defaults: nothing installed):
#   ::installed_board_parts  dict board part -> its part (what get_board_parts can return)
#   ::board_presets          dict board name (2nd field of the board part, lower case) ->
#                            dict of PS properties its preset sets (without CONFIG.)
#   ::cnnhls_bundles         the accelerator's m_axi bundle names
set ::log {}
proc record {args} { lappend ::log $args }
proc stub_error {msg} { error "stub: $msg" }
proc require_file {f} {
  if {![file exists $f]} { stub_error "referenced file does not exist: $f" }
}
# Parses args against a dict option -> kind (flag | value | values:a,b,...); returns dict of given options.
proc parse_opts {cmd spec arglist {positional_max 0}} {
  set got {}
  set pos {}
  for {set i 0} {$i < [llength $arglist]} {incr i} {
    set a [lindex $arglist $i]
    if {[string match -* $a]} {
      if {![dict exists $spec $a]} { stub_error "$cmd: unknown option $a" }
      set kind [dict get $spec $a]
      if {$kind eq "flag"} { dict set got $a 1; continue }
      incr i
      if {$i >= [llength $arglist]} { stub_error "$cmd: $a needs a value" }
      set v [lindex $arglist $i]
      if {[string match values:* $kind] && [lsearch -exact [split [string range $kind 7 end] ,] $v] < 0} {
        stub_error "$cmd: $a $v is not one of [string range $kind 7 end]"
      }
      if {$kind eq "number" && ![string is double -strict $v]} { stub_error "$cmd: $a $v is not a number" }
      dict set got $a $v
    } else {
      lappend pos $a
    }
  }
  if {[llength $pos] > $positional_max} { stub_error "$cmd: unexpected arguments $pos" }
  dict set got "" $pos
  return $got
}

# ---------------------------------------------------------------- Vitis HLS
set ::hls_project {}
set ::hls_solution {}
set ::project {}
set ::generated {}
proc need_solution {cmd} {
  if {$::hls_solution eq ""} { stub_error "$cmd before open_solution" }
}
proc open_project {args} {
  set o [parse_opts open_project {-reset flag} $args 1]
  set name [dict get $o ""]
  if {[llength $name] != 1} { stub_error "open_project: needs one project name" }
  set ::hls_project $name
  set ::hls_dir [pwd]
  record open_project {*}$args
}
proc set_top {args} {
  if {$::hls_project eq ""} { stub_error "set_top before open_project" }
  if {$args ne "cnnhls_top"} { stub_error "set_top: expected cnnhls_top, got $args" }
  record set_top {*}$args
}
proc add_files {args} {
  if {$::hls_project eq "" && $::project eq ""} { stub_error "add_files before open_project or create_project" }
  set o [parse_opts add_files {-tb flag -cflags value -csimflags value -norecurse flag} $args 1000]
  set files {}
  foreach a [dict get $o ""] {
    foreach f $a {
      # in Vivado, a file make_wrapper wrote
      if {$::project eq "" || [lsearch -exact $::generated [_file normalize $f]] < 0} { require_file $f }
      lappend files $f
    }
  }
  if {![llength $files]} { stub_error "add_files: no file" }
  record add_files {*}$files
}
proc open_solution {args} {
  if {$::hls_project eq ""} { stub_error "open_solution before open_project" }
  set o [parse_opts open_solution {-reset flag -flow_target values:vivado,vitis} $args 1]
  if {[llength [dict get $o ""]] != 1} { stub_error "open_solution: needs one solution name" }
  set ::hls_solution [dict get $o ""]
  record open_solution {*}$args
}
proc set_part {args} {
  need_solution set_part
  if {[llength $args] != 1 || ![regexp {^x[a-z0-9-]+$} [lindex $args 0]]} { stub_error "set_part: bad part $args" }
  set ::part [lindex $args 0]
  record set_part {*}$args
}
proc create_clock {args} {
  need_solution create_clock
  set o [parse_opts create_clock {-period number -name value} $args]
  if {![dict exists $o -period]} { stub_error "create_clock: no -period" }
  set ::period [dict get $o -period]
  record create_clock {*}$args
}
proc config_interface {args} {
  need_solution config_interface
  set o [parse_opts config_interface {-m_axi_addr64 flag -m_axi_max_widen_bitwidth values:0,8,16,32,64,128,256,512,1024 -m_axi_alignment_byte_size number -m_axi_latency number} $args]
  record config_interface {*}$args
}
proc config_compile {args} {
  need_solution config_compile
  parse_opts config_compile {-pipeline_loops number} $args
  record config_compile {*}$args
}
proc csim_design {args} {
  need_solution csim_design
  set o [parse_opts csim_design {-argv value -clean flag -O flag} $args]
  if {[dict exists $o -argv]} { require_file [dict get $o -argv] }
  record csim_design {*}$args
}
proc csynth_design {args} {
  need_solution csynth_design
  parse_opts csynth_design {} $args
  record csynth_design
}
proc cosim_design {args} {
  need_solution cosim_design
  set o [parse_opts cosim_design {-argv value -trace_level values:none,all,port,port_hier -rtl values:verilog,vhdl} $args]
  if {[dict exists $o -argv]} { require_file [dict get $o -argv] }
  record cosim_design {*}$args
}
proc export_design {args} {
  need_solution export_design
  set o [parse_opts export_design {-format values:ip_catalog,xo,syn_dcp,sysgen -rtl values:verilog,vhdl -vendor value -library value -ipname value -version value -description value -display_name value} $args]
  foreach k {-format -ipname -vendor -library -version} {
    if {![dict exists $o $k]} { stub_error "export_design: no $k" }
  }
  set ::exported [dict get $o -vendor]:[dict get $o -library]:[dict get $o -ipname]:[dict get $o -version]
  record export_design {*}$args
}

# ---------------------------------------------------------------- Vivado
if {![info exists ::installed_board_parts]} { set ::installed_board_parts {} }
if {![info exists ::board_presets]} { set ::board_presets {} }
if {![info exists ::cnnhls_bundles]} { set ::cnnhls_bundles {gmem_in gmem_w gmem_o gmem_f gmem_b gmem_q} }
set ::project {}
set ::board_part {}
set ::cells {}
set ::ps_config {}
set ::connected {}
set ::external {}
set ::cnnhls_connected {}

# PS properties the stand-in knows, with the IP's defaults (as a fresh cell has them)
set ::ps_defaults {
  zynq_ultra_ps_e {
    PSU__USE__M_AXI_GP0 1 PSU__USE__M_AXI_GP1 1 PSU__USE__M_AXI_GP2 0
    PSU__USE__S_AXI_GP0 0 PSU__USE__S_AXI_GP1 0 PSU__USE__S_AXI_GP2 0 PSU__USE__S_AXI_GP3 0
    PSU__USE__S_AXI_GP4 0 PSU__USE__S_AXI_GP5 0 PSU__USE__S_AXI_GP6 0
    PSU__FPGA_PL0_ENABLE 1 PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ 100
  }
  processing_system7 {
    PCW_USE_M_AXI_GP0 1 PCW_USE_M_AXI_GP1 0 PCW_USE_S_AXI_HP0 0 PCW_USE_S_AXI_HP1 0
    PCW_USE_S_AXI_HP2 0 PCW_USE_S_AXI_HP3 0 PCW_USE_S_AXI_ACP 0 PCW_EN_CLK0_PORT 1
    PCW_FPGA0_PERIPHERAL_FREQMHZ 50
  }
}
proc ps_ip {} {
  if {![dict exists $::cells ps]} { stub_error "no PS cell" }
  return [dict get $::cells ps]
}
proc ps_on {prop} { expr {[dict get $::ps_config $prop] == 1} }
# The PS's interfaces, each with its clock pin, as the configuration enables them
proc ps_interfaces {} {
  set r {}
  if {[ps_ip] eq "zynq_ultra_ps_e"} {
    if {[ps_on PSU__USE__M_AXI_GP0]} { dict set r M_AXI_HPM0_FPD maxihpm0_fpd_aclk }
    if {[ps_on PSU__USE__M_AXI_GP1]} { dict set r M_AXI_HPM1_FPD maxihpm1_fpd_aclk }
    if {[ps_on PSU__USE__M_AXI_GP2]} { dict set r M_AXI_HPM0_LPD maxihpm0_lpd_aclk }
    foreach n {0 1} { if {[ps_on PSU__USE__S_AXI_GP$n]} { dict set r S_AXI_HPC${n}_FPD saxihpc${n}_fpd_aclk } }
    foreach n {2 3 4 5} {
      set hp [expr {$n - 2}]
      if {[ps_on PSU__USE__S_AXI_GP$n]} { dict set r S_AXI_HP${hp}_FPD saxihp${hp}_fpd_aclk }
    }
    if {[ps_on PSU__USE__S_AXI_GP6]} { dict set r S_AXI_LPD saxi_lpd_aclk }
  } else {
    if {[ps_on PCW_USE_M_AXI_GP0]} { dict set r M_AXI_GP0 M_AXI_GP0_ACLK }
    if {[ps_on PCW_USE_M_AXI_GP1]} { dict set r M_AXI_GP1 M_AXI_GP1_ACLK }
    foreach n {0 1 2 3} { if {[ps_on PCW_USE_S_AXI_HP$n]} { dict set r S_AXI_HP$n S_AXI_HP${n}_ACLK } }
    if {[ps_on PCW_USE_S_AXI_ACP]} { dict set r S_AXI_ACP S_AXI_ACP_ACLK }
    dict set r DDR {}
    dict set r FIXED_IO {}
  }
  return $r
}
proc ps_fabric_clock {} {
  if {[ps_ip] eq "zynq_ultra_ps_e"} {
    return [expr {[ps_on PSU__FPGA_PL0_ENABLE] ? "pl_clk0" : ""}]
  }
  return [expr {[ps_on PCW_EN_CLK0_PORT] ? "FCLK_CLK0" : ""}]
}
proc ps_pins {} {
  set pins {}
  dict for {intf clk} [ps_interfaces] { if {$clk ne ""} { lappend pins ps/$clk } }
  if {[ps_fabric_clock] ne ""} { lappend pins ps/[ps_fabric_clock] }
  return $pins
}
proc set_ps_property {prop value} {
  set ip [ps_ip]
  if {![string match CONFIG.* $prop]} { stub_error "set_property: $prop is not a CONFIG. property" }
  set p [string range $prop 7 end]
  if {![dict exists $::ps_defaults $ip $p]} { stub_error "set_property: $ip has no property $prop" }
  if {[string match *FREQMHZ $p]} {
    if {![string is double -strict $value] || $value <= 0} { stub_error "set_property: $prop {$value} is not a frequency" }
  } elseif {$value ne "0" && $value ne "1"} {
    stub_error "set_property: $prop {$value} must be 0 or 1"
  }
  dict set ::ps_config $p $value
}

proc set_param {args} {
  if {[llength $args] != 2 || [lindex $args 0] ne "board.repoPaths"} { stub_error "set_param: unexpected $args" }
  record set_param {*}$args
}
proc create_project {args} {
  set o [parse_opts create_project {-force flag -part value -in_memory flag} $args 2]
  if {[llength [dict get $o ""]] != 2} { stub_error "create_project: needs a name and a folder" }
  if {![dict exists $o -part]} { stub_error "create_project: no -part" }
  lassign [dict get $o ""] ::project ::project_dir
  set ::part [dict get $o -part]
  record create_project {*}$args
}
proc current_project {} {
  if {$::project eq ""} { stub_error "current_project: no project" }
  return proj
}
proc get_board_parts {args} {
  set o [parse_opts get_board_parts {-quiet flag -nocase flag -latest_file_version flag -latest_hw_revision flag} $args 100]
  set nocase [dict exists $o -nocase]
  set r {}
  foreach bp [dict keys $::installed_board_parts] {
    foreach pattern [dict get $o ""] {
      if {($nocase && [string match -nocase $pattern $bp]) || (!$nocase && [string match $pattern $bp])} { lappend r $bp; break }
    }
  }
  record get_board_parts {*}$args
  return $r
}
proc set_property {args} {
  if {[lindex $args 0] eq "-dict"} {
    if {[llength $args] != 3} { stub_error "set_property -dict: expected a list and an object" }
    set obj [lindex $args 2]
    if {$obj ne "ps"} { stub_error "set_property -dict on $obj: only the PS is configured" }
    set d [lindex $args 1]
    if {[llength $d] % 2} { stub_error "set_property -dict: odd list $d" }
    foreach {k v} $d { set_ps_property $k $v }
    record set_property {*}$args
    return
  }
  if {[llength $args] != 3} { stub_error "set_property: expected name value object, got $args" }
  lassign $args name value obj
  switch -- $name {
    board_part {
      if {$obj ne "proj"} { stub_error "set_property board_part on $obj" }
      if {![dict exists $::installed_board_parts $value]} { stub_error "\[Board 49-71\] The board_part definition was not found for $value" }
      set ::board_part $value
      set ::part [dict get $::installed_board_parts $value]
    }
    part {
      if {$obj ne "proj" || ![regexp {^x[a-z0-9-]+$} $value]} { stub_error "set_property part $value $obj" }
      set ::part $value
    }
    ip_repo_paths { if {$obj ne "proj"} { stub_error "set_property ip_repo_paths on $obj" } }
    top { if {$obj ne "sources_1"} { stub_error "set_property top on $obj" } }
    default { stub_error "set_property: unknown property $name" }
  }
  record set_property {*}$args
}
proc get_property {name obj} {
  if {$name eq "PART" && $obj eq "proj"} { return $::part }
  stub_error "get_property $name $obj"
}
proc update_ip_catalog {} { record update_ip_catalog }
proc create_bd_design {name} { set ::bd $name; record create_bd_design $name }
proc create_bd_cell {args} {
  set o [parse_opts create_bd_cell {-type values:ip,module,hier -vlnv value} $args 1]
  set name [dict get $o ""]
  if {[llength $name] != 1 || ![dict exists $o -vlnv]} { stub_error "create_bd_cell: needs -vlnv and a name" }
  set vlnv [split [dict get $o -vlnv] :]
  if {[llength $vlnv] != 4} { stub_error "create_bd_cell: bad VLNV [dict get $o -vlnv]" }
  lassign $vlnv vendor library ip version
  if {$name eq "ps"} {
    if {"$vendor:$library" ne "xilinx.com:ip" || ![dict exists $::ps_defaults $ip]} { stub_error "create_bd_cell: unknown PS [dict get $o -vlnv]" }
    set ::ps_config [dict get $::ps_defaults $ip]
  } elseif {$name eq "cnnhls"} {
    if {"$vendor:$library:$version" ne "cnnhls.org:hls:1.0"} { stub_error "create_bd_cell: the accelerator's VLNV [dict get $o -vlnv]" }
    if {[info exists ::exported_ip] && $ip ne $::exported_ip} { stub_error "create_bd_cell: IP $ip, but HLS exported $::exported_ip" }
  } else {
    stub_error "create_bd_cell: unexpected cell $name"
  }
  dict set ::cells $name $ip
  record create_bd_cell {*}$args
}
proc get_bd_cells {args} {
  foreach c $args { if {![dict exists $::cells $c]} { stub_error "get_bd_cells: no cell $c" } }
  return $args
}
proc get_bd_intf_pins {args} {
  foreach p $args {
    lassign [split $p /] cell intf
    if {$cell eq "ps"} {
      if {![dict exists [ps_interfaces] $intf]} { stub_error "get_bd_intf_pins: the PS has no interface $intf (not enabled?)" }
    } elseif {$cell eq "cnnhls"} {
      if {![dict exists $::cells cnnhls]} { stub_error "get_bd_intf_pins: no cnnhls cell" }
      if {$intf ne "s_axi_control" && [lsearch -exact $::cnnhls_bundles [string range $intf 6 end]] < 0} { stub_error "get_bd_intf_pins: cnnhls has no $intf" }
    } else {
      stub_error "get_bd_intf_pins: no cell $cell"
    }
  }
  return $args
}
proc get_bd_pins {args} {
  set quiet [expr {[lindex $args 0] eq "-quiet"}]
  if {$quiet} { set args [lrange $args 1 end] }
  set r {}
  foreach pattern $args {
    if {[string match -* $pattern]} { stub_error "get_bd_pins: unknown option $pattern" }
    set m {}
    foreach pin [ps_pins] { if {[string match $pattern $pin]} { lappend m $pin } }
    if {![llength $m] && !$quiet} { stub_error "get_bd_pins: no pin matches $pattern" }
    lappend r {*}$m
  }
  return $r
}
proc get_bd_nets {args} {
  set o [parse_opts get_bd_nets {-quiet flag -of_objects value} $args]
  if {![dict exists $o -of_objects]} { stub_error "get_bd_nets: expected -of_objects" }
  set r {}
  foreach pin [dict get $o -of_objects] {
    if {[lsearch -exact [ps_pins] $pin] < 0} { stub_error "get_bd_nets: no pin $pin" }
    if {[lsearch -exact $::connected $pin] >= 0} { lappend r net_[string map {/ _} $pin] }
  }
  return $r
}
proc connect_bd_net {args} {
  if {[llength $args] < 2} { stub_error "connect_bd_net: needs two pins or more" }
  set clk ps/[ps_fabric_clock]
  set pins [concat {*}$args]
  if {[lsearch -exact $pins $clk] < 0} { stub_error "connect_bd_net: $pins has no clock source ($clk)" }
  foreach pin $pins {
    if {[lsearch -exact [ps_pins] $pin] < 0} { stub_error "connect_bd_net: no pin $pin" }
    lappend ::connected $pin
  }
  record connect_bd_net {*}$pins
}
proc make_bd_intf_pins_external {args} {
  foreach p [concat {*}$args] {
    get_bd_intf_pins $p
    lappend ::external $p
  }
  record make_bd_intf_pins_external {*}[concat {*}$args]
}
proc automation_config {rule config allowed} {
  if {[llength $config] % 2} { stub_error "apply_bd_automation $rule: -config is not a dict: $config" }
  dict for {k v} $config {
    if {![dict exists $allowed $k]} { stub_error "apply_bd_automation $rule: unknown config key $k" }
    set ok [dict get $allowed $k]
    if {$ok ne "*" && [lsearch -exact $ok $v] < 0} { stub_error "apply_bd_automation $rule: $k {$v} is not one of $ok" }
  }
  return $config
}
# Connects one automation endpoint: a PS interface (its clock pin gets the fabric clock) or the accelerator's
proc automation_endpoint {e} {
  lassign [split [string trimleft $e /] /] cell intf
  get_bd_intf_pins $cell/$intf
  if {$cell eq "ps"} {
    set clk [dict get [ps_interfaces] $intf]
    if {[ps_fabric_clock] eq ""} { stub_error "apply_bd_automation: no fabric clock for $e" }
    lappend ::connected ps/$clk ps/[ps_fabric_clock]
  } else {
    lappend ::cnnhls_connected $intf
  }
}
proc apply_bd_automation {args} {
  set o [parse_opts apply_bd_automation {-rule value -config value} $args 1]
  set rule [dict get $o -rule]
  set config [dict get $o -config]
  set target [lindex [dict get $o ""] 0]
  switch -- $rule {
    xilinx.com:bd_rule:axi4 {
      set c [automation_config $rule $config {Clk_master Auto Clk_slave Auto Clk_xbar Auto Master * Slave * intc_ip {{New AXI Interconnect} {New AXI SmartConnect} Auto} master_apm 0}]
      foreach k {Master Slave} { if {![dict exists $c $k]} { stub_error "apply_bd_automation axi4: no $k" } }
      if {$target ne [string trimleft [dict get $c Master] /] && $target ne [string trimleft [dict get $c Slave] /]} {
        stub_error "apply_bd_automation axi4: target $target is neither Master nor Slave"
      }
      automation_endpoint [dict get $c Master]
      automation_endpoint [dict get $c Slave]
    }
    xilinx.com:bd_rule:zynq_ultra_ps_e - xilinx.com:bd_rule:processing_system7 {
      if {$target ne "ps" || "xilinx.com:bd_rule:[ps_ip]" ne $rule} { stub_error "apply_bd_automation $rule on $target ([ps_ip])" }
      if {[ps_ip] eq "zynq_ultra_ps_e"} {
        set c [automation_config $rule $config {apply_board_preset {0 1}}]
      } else {
        set c [automation_config $rule $config {make_external {{FIXED_IO, DDR}} apply_board_preset {0 1} Master {Disable} Slave {Disable}}]
        if {[dict exists $c make_external]} { lappend ::external ps/DDR ps/FIXED_IO }
      }
      if {[dict exists $c apply_board_preset] && [dict get $c apply_board_preset] == 1} {
        if {$::board_part eq ""} { stub_error "apply_bd_automation: apply_board_preset 1 without a board part" }
        set board [string tolower [lindex [split $::board_part :] 1]]
        if {[dict exists $::board_presets $board]} {
          dict for {k v} [dict get $::board_presets $board] { set_ps_property CONFIG.$k $v }
        }
      }
    }
    default { stub_error "apply_bd_automation: unknown rule $rule" }
  }
  record apply_bd_automation {*}$args
}
proc validate_bd_design {} {
  foreach c {ps cnnhls} { if {![dict exists $::cells $c]} { stub_error "validate_bd_design: no $c cell" } }
  set unclocked {}
  foreach pin [ps_pins] {
    if {$pin ne "ps/[ps_fabric_clock]" && [lsearch -exact $::connected $pin] < 0} { lappend unclocked $pin }
  }
  if {[llength $unclocked]} { error "ERROR: \[BD 41-758\] The following clock pins are not connected to a valid clock source: $unclocked" }
  if {[ps_ip] eq "processing_system7"} {
    foreach p {ps/DDR ps/FIXED_IO} { if {[lsearch -exact $::external $p] < 0} { error "ERROR: $p is not connected (not made external)" } }
  }
  foreach intf [concat s_axi_control [lmap b $::cnnhls_bundles { string cat m_axi_ $b }]] {
    if {[lsearch -exact $::cnnhls_connected $intf] < 0} { error "ERROR: cnnhls/$intf is not connected" }
  }
  record validate_bd_design
}
proc save_bd_design {} { record save_bd_design }
proc make_wrapper {args} {
  set o [parse_opts make_wrapper {-files value -top flag} $args]
  if {[dict get $o -files] ne "$::bd.bd"} { stub_error "make_wrapper: -files [dict get $o -files] is not the block design" }
  # where Vivado (2020.2 and later) writes it
  lappend ::generated [_file normalize $::project_dir/$::project.gen/sources_1/bd/$::bd/hdl/${::bd}_wrapper.v]
}
proc get_files {args} { return $args }
proc glob {args} { return [list [lindex $args end]] }
proc current_fileset {} { return sources_1 }
proc launch_runs {args} {
  set o [parse_opts launch_runs {-to_step values:write_bitstream -jobs number} $args 1]
  if {[dict get $o ""] ne "impl_1"} { stub_error "launch_runs: [dict get $o ""]" }
  record launch_runs {*}$args
}
proc wait_on_run {args} { record wait_on_run {*}$args }
rename file _file
proc file {cmd args} {
  if {$cmd eq "copy"} { record file_copy {*}$args; return }
  return [_file $cmd {*}$args]
}
rename exit _real_exit
proc exit {args} { record exit }
