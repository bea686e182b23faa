<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Vientiane Times</title>
<meta name="keywords" content="Vientiane Times, Laos, Lao news, Vientiane">
<link href="../css/vt_style.css" rel="stylesheet" type="text/css">
<script language="JavaScript" type="text/JavaScript">
<!--
function openWin(url) { window.open(url, 'vt', 'width=620,height=480,scrollbars=yes'); }
//-->
</script>
</head>

<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="780" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">
  <tr>
    <td colspan="3"><img src="../images/vt_banner.jpg" width="780" height="105" alt="Vientiane Times - Lao's first English newspaper"></td>
  </tr>
  <tr bgcolor="#003366">
    <td colspan="3" height="22">&nbsp;<font color="#FFFFFF"><b>Free stories</b></font></td>
  </tr>
  <tr>
    <td width="150" valign="top" bgcolor="#E6EEF7">
      <table width="150" border="0" cellspacing="0" cellpadding="4">
<tr><td class="menu"><a href="../index.php">Home</a></td></tr>
<tr><td class="menu"><a href="../sub-new/Previous_118/index.php">Previous issue</a></td></tr>
      <tr><td class="menu"><a href="mailto:info@vientianetimes.example">Contact us</a></td></tr>
      <tr><td><img src="../images/spacer.gif" width="1" height="20" alt=""></td></tr>
      <tr><td class="small">Subscribe to the print edition at your nearest newsstand.</td></tr>
      </table>
    </td>
    <td width="10">&nbsp;</td>
    <td width="620" valign="top">
      <h1 class="headline">New bus terminal eases congestion in Xaythany district</h1>
      <p class="byline"><b>By Times Reporters</b></p>
      <p align="justify">A new bus terminal in Xaythany district has begun serving routes to the northern provinces, easing congestion around the old station in the city centre.</p>
      <p align="justify">Passengers said the terminal was cleaner and better organised, though some complained about the distance from the centre and the lack of city buses serving it.</p>
      <p align="justify">The terminal&#x27;s operator said it would add shuttle services and more shaded waiting areas.</p>
      <p align="justify">Police have also adjusted traffic lights on nearby roads to cope with the buses.</p>
      <p class="small"><a href="javascript:history.back()">&lt;&lt; Back</a> &nbsp; <a href="javascript:window.print()">Print this story</a></p>
    </td>
  </tr>
  <tr>
    <td colspan="3" class="footer" align="center" bgcolor="#003366"><font color="#FFFFFF" size="1">Copyright &copy; Vientiane Times. All rights reserved.<br>
    Tel: +856 21 216364 &nbsp; Fax: +856 21 216365</font></td>
  </tr>
</table>
</body>
</html>
