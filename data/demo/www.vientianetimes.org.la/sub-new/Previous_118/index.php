<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Vientiane Times</title>
<meta name="keywords" content="Vientiane Times, Laos, Lao news, Vientiane">
<link href="../../css/vt_style.css" rel="stylesheet" type="text/css">
<script language="JavaScript" type="text/JavaScript">
<!--
function openWin(url) { window.open(url, 'vt', 'width=620,height=480,scrollbars=yes'); }
//-->
</script>
</head>

<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="780" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">
  <tr>
    <td colspan="3"><img src="../../images/vt_banner.jpg" width="780" height="105" alt="Vientiane Times - Lao's first English newspaper"></td>
  </tr>
  <tr bgcolor="#003366">
    <td colspan="3" class="date" height="22">&nbsp;<font color="#FFFFFF"><b><span id="issue-date">Wednesday June 19, 2024</span></b></font></td>
  </tr>
  <tr>
    <td width="150" valign="top" bgcolor="#E6EEF7">
      <table width="150" border="0" cellspacing="0" cellpadding="4">
<tr><td class="menu"><a href="../../index.php">Home</a></td></tr>
<tr><td class="menu"><a href="../../sub-new/Previous_118/index.php">Previous issue</a></td></tr>
      <tr><td class="menu"><a href="mailto:info@vientianetimes.example">Contact us</a></td></tr>
      <tr><td><img src="../../images/spacer.gif" width="1" height="20" alt=""></td></tr>
      <tr><td class="small">Subscribe to the print edition at your nearest newsstand.</td></tr>
      </table>
    </td>
    <td width="10">&nbsp;</td>
    <td width="620" valign="top">
      <table width="100%" border="0" cellspacing="0" cellpadding="4">
      <tr><td class="sectiontitle">Top stories</td></tr>
      <tr>
        <td class="headline"><a href="../../freefreenews/freecontent_118_School_meals.php">School meals programme expands to more rural schools</a></td>
      </tr>
      <tr>
        <td class="text" valign="top"><img src="../../images/photos/meals_s.jpg" width="90" height="68" align="left" hspace="5" alt="">A programme that provides lunches for primary school pupils will be extended to more schools. <a href="../../freefreenews/freecontent_118_School_meals.php" class="more">More &gt;&gt;&gt;</a></td>
      </tr>
      <tr><td><hr size="1" noshade color="#CCCCCC"></td></tr>
      <tr>
        <td class="headline"><a href="../../freeContent/FreeConten_Dengue_warning.php">Health officials urge households to clear mosquito breeding sites</a></td>
      </tr>
      <tr>
        <td class="text" valign="top"><img src="../../images/photos/warning_s.jpg" width="90" height="68" align="left" hspace="5" alt="">Health officials are calling on households to remove standing water as dengue cases rise. <a href="../../freeContent/FreeConten_Dengue_warning.php" class="more">More &gt;&gt;&gt;</a></td>
      </tr>
      <tr><td><hr size="1" noshade color="#CCCCCC"></td></tr>
      <tr>
        <td class="headline"><a href="../../freefreenews/freecontent_118_Bus_terminal.php">New bus terminal eases congestion in Xaythany district</a></td>
      </tr>
      <tr>
        <td class="text" valign="top"><img src="../../images/photos/terminal_s.jpg" width="90" height="68" align="left" hspace="5" alt="">A new bus terminal in Xaythany district has begun serving routes to the northern provinces. <a href="../../freefreenews/freecontent_118_Bus_terminal.php" class="more">More &gt;&gt;&gt;</a></td>
      </tr>
      <tr><td><hr size="1" noshade color="#CCCCCC"></td></tr>
      </table>
      <p class="small">Issue 118. Free stories are updated every working day.</p>
    </td>
  </tr>
  <tr>
    <td colspan="3" class="footer" align="center" bgcolor="#003366"><font color="#FFFFFF" size="1">Copyright &copy; Vientiane Times. All rights reserved.<br>
    Tel: +856 21 216364 &nbsp; Fax: +856 21 216365</font></td>
  </tr>
</table>
</body>
</html>
