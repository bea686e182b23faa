<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Vientiane Times</title>
<meta name="keywords" content="Vientiane Times, Laos, Lao news, Vientiane">
<link href="css/vt_style.css" rel="stylesheet" type="text/css">
<script language="JavaScript" type="text/JavaScript">
<!--
function openWin(url) { window.open(url, 'vt', 'width=620,height=480,scrollbars=yes'); }
//-->
</script>
</head>

<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="780" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">
  <tr>
    <td colspan="3"><img src="images/vt_banner.jpg" width="780" height="105" alt="Vientiane Times - Lao's first English newspaper"></td>
  </tr>
  <tr bgcolor="#003366">
    <td colspan="3" class="date" height="22">&nbsp;<font color="#FFFFFF"><b><span id="issue-date">Thursday June 20, 2024</span></b></font></td>
  </tr>
  <tr>
    <td width="150" valign="top" bgcolor="#E6EEF7">
      <table width="150" border="0" cellspacing="0" cellpadding="4">
<tr><td class="menu"><a href="index.php">Home</a></td></tr>
<tr><td class="menu"><a href="sub-new/Previous_118/index.php">Previous issue</a></td></tr>
      <tr><td class="menu"><a href="mailto:info@vientianetimes.example">Contact us</a></td></tr>
      <tr><td><img src="images/spacer.gif" width="1" height="20" alt=""></td></tr>
      <tr><td class="small">Subscribe to the print edition at your nearest newsstand.</td></tr>
      </table>
    </td>
    <td width="10">&nbsp;</td>
    <td width="620" valign="top">
      <table width="100%" border="0" cellspacing="0" cellpadding="4">
      <tr><td class="sectiontitle">Top stories</td></tr>
      <tr>
        <td class="headline"><a href="freeContent/FreeConten_Rainy_season_rice.php">Farmers start rainy season rice planting in central provinces</a></td>
      </tr>
      <tr>
        <td class="text" valign="top"><img src="images/photos/rice_s.jpg" width="90" height="68" align="left" hspace="5" alt="">Farmers in Vientiane, Borikhamxay and Khammuan provinces have begun transplanting rice seedlings. <a href="freeContent/FreeConten_Rainy_season_rice.php" class="more">More &gt;&gt;&gt;</a></td>
      </tr>
      <tr><td><hr size="1" noshade color="#CCCCCC"></td></tr>
      <tr>
        <td class="headline"><a href="freeContent/FreeConten_Vientiane_drainage.php">Vientiane upgrades drainage channels before peak of monsoon</a></td>
      </tr>
      <tr>
        <td class="text" valign="top"><img src="images/photos/drainage_s.jpg" width="90" height="68" align="left" hspace="5" alt="">Work crews are widening and cleaning drainage channels in the centre of the capital. <a href="freeContent/FreeConten_Vientiane_drainage.php" class="more">More &gt;&gt;&gt;</a></td>
      </tr>
      <tr><td><hr size="1" noshade color="#CCCCCC"></td></tr>
      <tr>
        <td class="headline"><a href="freefreenews/freecontent_119_Tourist_arrivals.php">Tourist arrivals keep rising in Visit Laos Year</a></td>
      </tr>
      <tr>
        <td class="text" valign="top"><img src="images/photos/arrivals_s.jpg" width="90" height="68" align="left" hspace="5" alt="">The number of foreign visitors continues to grow as more flights and train services connect Laos with its neighbours. <a href="freefreenews/freecontent_119_Tourist_arrivals.php" class="more">More &gt;&gt;&gt;</a></td>
      </tr>
      <tr><td><hr size="1" noshade color="#CCCCCC"></td></tr>
      </table>
      <table width="100%" border="0" cellspacing="0" cellpadding="3" bgcolor="#F3F3F3">
      <tr><td class="boxtitle">Highlights</td></tr>
<tr><td class="small">&#8226; Vientiane upgrades drainage channels before peak of monsoon <a href="https://vientianetimes.la/freeContent/FreeConten_Vientiane_drainage.php" class="more">More &gt;&gt;&gt;</a></td></tr>
      </table>
      <p class="small">Issue 119. Free stories are updated every working day.</p>
    </td>
  </tr>
  <tr>
    <td colspan="3" class="footer" align="center" bgcolor="#003366"><font color="#FFFFFF" size="1">Copyright &copy; Vientiane Times. All rights reserved.<br>
    Tel: +856 21 216364 &nbsp; Fax: +856 21 216365</font></td>
  </tr>
</table>
</body>
</html>
